package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which Secrets a run may reference. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretPolicy {
    @JsonPropertyDescription("""
            Names of the Secrets runs may reference (env valueFrom.secretKeyRef, provider.authTokenSecretRef, \
            repository.credentialsSecretRef, output.credentialsSecretRef)."""
            + Descriptions.PATTERNS + """
            An empty list allows none. The Secrets an AgentProvider or the AgentConfig name are the admin's and \
            not checked. Names, not labels: the admission check cannot read a Secret. Default: any Secret.""")
    @Size(max = 128)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> allowedNames;

    public List<String> getAllowedNames() {
        return allowedNames;
    }

    public void setAllowedNames(List<String> allowedNames) {
        this.allowedNames = allowedNames;
    }
}
