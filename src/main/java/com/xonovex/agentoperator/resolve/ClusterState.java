package com.xonovex.agentoperator.resolve;

import java.util.List;
import java.util.Optional;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentPolicy;
import com.xonovex.agentoperator.api.AgentProvider;
import io.fabric8.kubernetes.api.model.Secret;

/** Read access to what resolution looks at, served from informer caches in the operator and from maps in tests. */
public interface ClusterState {
    Optional<AgentProvider> provider(String namespace, String name);

    /** The Secret's data keys are enough: values may have been stripped. */
    Optional<Secret> secret(String namespace, String name);

    List<AgentConfig> configs(String namespace);

    /** The namespace's AgentPolicy (the one named default), if any. */
    default Optional<AgentPolicy> policy(String namespace) {
        return Optional.empty();
    }
}
