package com.xonovex.agentoperator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The status of a kind that is simply usable or not (AgentProvider, AgentConfig): a Ready condition, mirrored in
 * {@code ready} so both kinds read the same in {@code kubectl get} and in scripts.
 */
public abstract class ReadyStatus extends ObservedStatus {
    public static final String READY = "Ready";

    @JsonPropertyDescription(Descriptions.READY)
    private boolean ready;

    public boolean isReady() {
        return ready;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadyStatus other && sameObservation(other) && ready == other.ready;
    }

    @Override
    public int hashCode() {
        return Objects.hash(observationHash(), ready);
    }
}
