package com.xonovex.agentoperator.policy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import com.xonovex.agentoperator.api.AgentRunSpec;
import com.xonovex.agentoperator.resolve.ResolvedRun;

/**
 * What the policy is checked against: the run's spec, and the values it resolved to when it starts (the admission
 * policy sees the spec only).
 *
 * @param image the image the run resolves to
 * @param timeout the timeout the run resolves to
 * @param maxBudgetUSD the spending limit it resolves to, or null for none
 * @param providerKeys the keys its provider sets in the environment
 * @param tokenEnv the variable that receives its provider's token
 * @param forgeApiUrl the API a pull request goes to, when the run opens one
 */
public record PolicyInput(AgentRunSpec spec, String image, Duration timeout, String maxBudgetUSD,
        Set<String> providerKeys, String tokenEnv, Optional<String> forgeApiUrl) {

    public static PolicyInput of(AgentRunSpec spec, ResolvedRun resolved) {
        return new PolicyInput(spec, resolved.image(), resolved.timeout(), resolved.maxBudgetUSD(),
                resolved.provider().environment().keySet(), resolved.provider().tokenEnv(),
                resolved.publish().flatMap(p -> p.pullRequest()).map(pr -> pr.apiUrl()));
    }
}
