package com.xonovex.agentoperator.resolve;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.publish.PublishSettings;
import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * Everything a run needs beyond its own spec, with namespace and operator defaults applied.
 *
 * @param publish how the work is published, when the run has an output
 * @param maxTurns the turn limit, or null for none
 * @param maxBudgetUSD the spending limit, or null for none
 */
public record ResolvedRun(AgentAdapter agent, ProviderSettings provider, String image, Duration timeout,
        Optional<String> storageClass, String storageSize, List<EnvVar> namespaceEnv,
        Optional<PublishSettings> publish, Integer maxTurns, String maxBudgetUSD) {

    public ResolvedRun(AgentAdapter agent, ProviderSettings provider, String image, Duration timeout,
            Optional<String> storageClass, String storageSize, List<EnvVar> namespaceEnv) {
        this(agent, provider, image, timeout, storageClass, storageSize, namespaceEnv, Optional.empty(), null, null);
    }
}
