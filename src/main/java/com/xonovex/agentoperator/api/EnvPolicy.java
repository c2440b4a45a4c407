package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What a run's env may contain. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvPolicy {
    @JsonPropertyDescription("""
            Whether a run's env may use valueFrom (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef); \
            false allows literal values only. Default: true.""")
    private Boolean allowValueFrom;

    @JsonPropertyDescription("""
            Variables a run's env may not set."""
            + Descriptions.PATTERNS + """
            Default (when not set): \
            ANTHROPIC_*, CLAUDE_CODE_USE_*, OPENCODE_*, *_PROXY, *_proxy, NODE_*, SSL_CERT_*, which decide where \
            the token goes and whom the agent trusts; an empty list denies none of these. Always denied as well, \
            when the run starts: every key the run's provider sets in its environment, and its token variable.""")
    @Size(max = 128)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> deniedNames;

    public Boolean getAllowValueFrom() {
        return allowValueFrom;
    }

    public void setAllowValueFrom(Boolean allowValueFrom) {
        this.allowValueFrom = allowValueFrom;
    }

    public List<String> getDeniedNames() {
        return deniedNames;
    }

    public void setDeniedNames(List<String> deniedNames) {
        this.deniedNames = deniedNames;
    }
}
