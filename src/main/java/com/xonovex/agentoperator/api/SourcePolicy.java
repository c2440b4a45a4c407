package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a run's work comes from and goes to, and whose provider it uses. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourcePolicy {
    @JsonPropertyDescription("""
            URLs runs may clone, push to and open pull requests through: repository.url and the \
            forge API a pull request goes to (output.pullRequest.apiURL, or its default)."""
            + Descriptions.PATTERNS + """
            Example: [https://github.com/my-org/*, https://api.github.com]. Egress is opened to their ports (see \
            egress.mode), which cannot tell hosts apart: this rule bounds where the clone and publish steps go, not \
            what the agent may reach on the same ports. Default: any URL.""")
    @Size(max = 64)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> allowedURLs;

    @JsonPropertyDescription("""
            Whether a run may bring its own provider (spec.provider): its endpoint is the run author's \
            choice, and egress is opened to its port. false leaves runs the namespace's AgentProviders. Default: true.""")
    private Boolean allowInlineProvider;

    public List<String> getAllowedURLs() {
        return allowedURLs;
    }

    public void setAllowedURLs(List<String> allowedURLs) {
        this.allowedURLs = allowedURLs;
    }

    public Boolean getAllowInlineProvider() {
        return allowInlineProvider;
    }

    public void setAllowInlineProvider(Boolean allowInlineProvider) {
        this.allowInlineProvider = allowInlineProvider;
    }
}
