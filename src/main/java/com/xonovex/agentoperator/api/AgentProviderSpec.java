package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Reusable provider settings: endpoint and model settings, and the Secret key holding the token. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentProviderSpec {
    @JsonPropertyDescription("A name for humans, shown by kubectl get, at most 253 characters. Example: Google Gemini.")
    @Size(max = 253)
    private String displayName;

    @JsonPropertyDescription("""
            The agents this provider serves (claude, opencode). Default: any agent. A run for another agent \
            waits in Pending (reason ProviderAgentMismatch).""")
    @Size(max = 8)
    private List<AgentType> agentTypes;

    @JsonPropertyDescription("""
            The Secret key holding the provider's API token, in the provider's namespace. The provider is ready \
            only while that Secret and key exist; the token reaches agent containers only as a secretKeyRef in \
            the variable named by authTokenEnv, and the operator never reads its value. Optional: a provider \
            without one (a local proxy, say) is always ready and passes no token.""")
    private SecretKeyRef authTokenSecretRef;

    @JsonPropertyDescription(Descriptions.AUTH_TOKEN_ENV)
    @Size(min = 1, max = 128)
    @Pattern(Validation.ENV_NAME)
    private String authTokenEnv;

    @JsonPropertyDescription(Descriptions.PROVIDER_ENVIRONMENT)
    @Size(max = Validation.MAX_LIST_ITEMS)
    private Map<String, String> environment;

    public String getDisplayName() {
        return displayName;
    }

    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    public List<AgentType> getAgentTypes() {
        return agentTypes;
    }

    public void setAgentTypes(List<AgentType> agentTypes) {
        this.agentTypes = agentTypes;
    }

    public SecretKeyRef getAuthTokenSecretRef() {
        return authTokenSecretRef;
    }

    public void setAuthTokenSecretRef(SecretKeyRef authTokenSecretRef) {
        this.authTokenSecretRef = authTokenSecretRef;
    }

    public String getAuthTokenEnv() {
        return authTokenEnv;
    }

    public void setAuthTokenEnv(String authTokenEnv) {
        this.authTokenEnv = authTokenEnv;
    }

    public Map<String, String> getEnvironment() {
        return environment;
    }

    public void setEnvironment(Map<String, String> environment) {
        this.environment = environment;
    }
}
