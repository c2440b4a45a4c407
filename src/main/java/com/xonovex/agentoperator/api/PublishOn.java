package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When a run's work is published. */
public enum PublishOn {
    /** Only when the agent succeeded. */
    @JsonProperty("Success")
    SUCCESS,
    /** Also when the agent failed or ran out of time: what it left in the working tree is pushed. */
    @JsonProperty("Always")
    ALWAYS
}
