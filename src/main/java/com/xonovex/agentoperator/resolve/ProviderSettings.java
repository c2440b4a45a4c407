package com.xonovex.agentoperator.resolve;

import java.util.Map;

import com.xonovex.agentoperator.api.SecretKeyRef;

/**
 * The provider a run uses, from an inline provider or an AgentProvider.
 *
 * @param authTokenSecretRef the token's Secret key, or null when the provider needs no token
 * @param tokenEnv the variable of the agent container that receives the token
 */
public record ProviderSettings(String name, SecretKeyRef authTokenSecretRef, String tokenEnv,
        Map<String, String> environment) {
}
