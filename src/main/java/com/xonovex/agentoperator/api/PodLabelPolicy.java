package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which of the run's labels reach its pod. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodLabelPolicy {
    @JsonPropertyDescription("""
            Label keys of the run copied to its pod."""
            + Descriptions.PATTERNS + """
            Default: none; the \
            Job and PVC still get all of them.""")
    @Size(max = 64)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> allowedKeys;

    public List<String> getAllowedKeys() {
        return allowedKeys;
    }

    public void setAllowedKeys(List<String> allowedKeys) {
        this.allowedKeys = allowedKeys;
    }
}
