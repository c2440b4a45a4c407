package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where pull (merge) requests are opened. */
public enum Forge {
    @JsonProperty("github")
    GITHUB,
    @JsonProperty("gitlab")
    GITLAB
}
