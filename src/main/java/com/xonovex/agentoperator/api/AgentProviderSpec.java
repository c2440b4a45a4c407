package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentProviderSpec {
    @Size(max = 253)
    private String displayName;

    /** Agents this provider serves; any agent when empty. */
    @Size(max = 8)
    private List<AgentType> agentTypes;

    /** Secret key holding the auth token; the provider is ready only when it exists. */
    private SecretKeyRef authTokenSecretRef;

    /** Variable that receives the token (claude: ANTHROPIC_AUTH_TOKEN; opencode: ANTHROPIC_API_KEY). */
    @Size(min = 1, max = 128)
    @Pattern(Validation.ENV_NAME)
    private String authTokenEnv;

    /** Environment of the agent container (base URL, model names, ...). */
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
