package com.xonovex.agentoperator.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Provider settings written into the AgentRun itself: the same fields as an AgentProvider's, for one-off runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InlineProvider {
    @JsonPropertyDescription("A label for humans and logs, at most 253 characters. Default: inline.")
    @Size(max = 253)
    private String name;

    @JsonPropertyDescription("""
            The Secret key holding the provider's API token, in the run's namespace. The token reaches the agent \
            container only as a secretKeyRef in the variable named by authTokenEnv; the operator never reads its \
            value. The run waits (SecretNotFound, SecretKeyNotFound) until both exist. Optional: without it, no \
            token is passed.""")
    private SecretKeyRef authTokenSecretRef;

    @JsonPropertyDescription(Descriptions.AUTH_TOKEN_ENV)
    @Size(min = 1, max = 128)
    @Pattern(Validation.ENV_NAME)
    private String authTokenEnv;

    @JsonPropertyDescription(Descriptions.PROVIDER_ENVIRONMENT)
    @Size(max = Validation.MAX_LIST_ITEMS)
    private Map<String, String> environment;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
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
