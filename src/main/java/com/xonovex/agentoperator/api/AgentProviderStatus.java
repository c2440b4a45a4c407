package com.xonovex.agentoperator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentProviderStatus extends ObservedStatus {
    private boolean ready;

    public boolean isReady() {
        return ready;
    }

    public void setReady(boolean ready) {
        this.ready = ready;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgentProviderStatus other && sameObservation(other) && ready == other.ready;
    }

    @Override
    public int hashCode() {
        return Objects.hash(observationHash(), ready);
    }
}
