package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of an AgentRun: Pending → Initializing → Running → Succeeded | Failed | TimedOut | Cancelled. */
public enum Phase {
    @JsonProperty("Pending")
    PENDING("Pending", 0),
    @JsonProperty("Initializing")
    INITIALIZING("Initializing", 1),
    @JsonProperty("Running")
    RUNNING("Running", 2),
    @JsonProperty("Succeeded")
    SUCCEEDED("Succeeded", 3),
    @JsonProperty("Failed")
    FAILED("Failed", 3),
    @JsonProperty("TimedOut")
    TIMED_OUT("TimedOut", 3),
    @JsonProperty("Cancelled")
    CANCELLED("Cancelled", 3);

    private final String value;
    /** Position in the lifecycle; the terminal phases share the last one. */
    private final int step;

    Phase(String value, int step) {
        this.value = value;
        this.step = step;
    }

    /**
     * Whether a run in this phase may move to {@code next}: only forward, and never out of a terminal phase. The
     * order is the lifecycle's, written out here, not the order in which the constants happen to be declared.
     */
    public boolean mayMoveTo(Phase next) {
        return !isTerminal() && (next.step > step || next == this);
    }

    public String value() {
        return value;
    }

    /** A terminal run never changes phase again. */
    public boolean isTerminal() {
        return step == 3;
    }

    @Override
    public String toString() {
        return value;
    }
}
