package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which images a run may use. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImagePolicy {
    @JsonPropertyDescription("""
            Images runs may use: spec.image, or the image a run resolves to (the AgentConfig's defaultImage, else \
            the operator's default-image)."""
            + Descriptions.PATTERNS + """
            Example: [ghcr.io/my-org/agent-runner@*]. \
            Default: any image.""")
    @Size(max = 64)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> allowed;

    @JsonPropertyDescription("""
            Whether the image must be pinned by digest (...@sha256: and 64 hex digits), so a tag cannot be moved \
            under the run. Default: false.""")
    private Boolean requireDigest;

    public List<String> getAllowed() {
        return allowed;
    }

    public void setAllowed(List<String> allowed) {
        this.allowed = allowed;
    }

    public Boolean getRequireDigest() {
        return requireDigest;
    }

    public void setRequireDigest(Boolean requireDigest) {
        this.requireDigest = requireDigest;
    }
}
