package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentConfigStatus extends ObservedStatus {
    @Override
    public boolean equals(Object o) {
        return o instanceof AgentConfigStatus other && sameObservation(other);
    }

    @Override
    public int hashCode() {
        return observationHash();
    }
}
