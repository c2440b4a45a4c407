package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the operator restricts a run's network with a NetworkPolicy. */
public enum EgressMode {
    /** A NetworkPolicy per run: DNS, its endpoints' ports on public addresses, the policy's CIDRs; no ingress. */
    @JsonProperty("Restricted")
    RESTRICTED,
    /** No NetworkPolicy from the operator. */
    @JsonProperty("Open")
    OPEN
}
