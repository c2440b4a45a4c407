package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The agent CLIs the operator knows how to run. The JSON names are the values users write in YAML. */
public enum AgentType {
    @JsonProperty("claude")
    CLAUDE("claude"),
    @JsonProperty("opencode")
    OPENCODE("opencode");

    private final String value;

    AgentType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static AgentType fromValue(String value) {
        for (AgentType type : values()) {
            if (type.value.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown agent type: " + value);
    }

    @Override
    public String toString() {
        return value;
    }
}
