package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of an AgentRun: Pending → Initializing → Running → Succeeded | Failed | TimedOut. */
public enum Phase {
    @JsonProperty("Pending")
    PENDING("Pending"),
    @JsonProperty("Initializing")
    INITIALIZING("Initializing"),
    @JsonProperty("Running")
    RUNNING("Running"),
    @JsonProperty("Succeeded")
    SUCCEEDED("Succeeded"),
    @JsonProperty("Failed")
    FAILED("Failed"),
    @JsonProperty("TimedOut")
    TIMED_OUT("TimedOut");

    private final String value;

    Phase(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** A terminal run never changes phase again. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == TIMED_OUT;
    }

    @Override
    public String toString() {
        return value;
    }
}
