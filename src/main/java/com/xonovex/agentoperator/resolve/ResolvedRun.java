package com.xonovex.agentoperator.resolve;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.xonovex.agentoperator.agent.AgentAdapter;
import io.fabric8.kubernetes.api.model.EnvVar;

/** Everything a run needs beyond its own spec, with namespace and operator defaults applied. */
public record ResolvedRun(AgentAdapter agent, ProviderSettings provider, String image, Duration timeout,
        Optional<String> storageClass, String storageSize, List<EnvVar> namespaceEnv) {
}
