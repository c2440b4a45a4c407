package com.xonovex.agentoperator.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Provider settings written into the AgentRun itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InlineProvider {
    /** A label for humans and logs. */
    @Size(max = 253)
    private String name;

    /** Secret key holding the auth token; it reaches the agent only through a secretKeyRef. */
    private SecretKeyRef authSecretRef;

    /** Variable that receives the token (claude: ANTHROPIC_AUTH_TOKEN; opencode: ANTHROPIC_API_KEY). */
    @Size(min = 1, max = 128)
    @Pattern(Validation.ENV_NAME)
    private String authTokenEnv;

    private Map<String, String> environment;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public SecretKeyRef getAuthSecretRef() {
        return authSecretRef;
    }

    public void setAuthSecretRef(SecretKeyRef authSecretRef) {
        this.authSecretRef = authSecretRef;
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
