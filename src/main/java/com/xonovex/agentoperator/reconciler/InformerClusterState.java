package com.xonovex.agentoperator.reconciler;

import java.util.List;
import java.util.Optional;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.resolve.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** Resolution's view of the cluster, read from the controller's informer caches: no API call per reconcile. */
final class InformerClusterState implements ClusterState {
    private final Context<? extends HasMetadata> context;

    InformerClusterState(Context<? extends HasMetadata> context) {
        this.context = context;
    }

    @Override
    public Optional<AgentProvider> provider(String namespace, String name) {
        return source(AgentProvider.class).get(new ResourceID(name, namespace));
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return source(Secret.class).get(new ResourceID(name, namespace));
    }

    @Override
    public List<AgentConfig> configs(String namespace) {
        return source(AgentConfig.class).list(namespace, c -> true).toList();
    }

    @SuppressWarnings("unchecked")
    private <R extends HasMetadata> InformerEventSource<R, ?> source(Class<R> type) {
        return (InformerEventSource<R, ?>) context.eventSourceRetriever().getEventSourceFor(type);
    }
}
