package com.xonovex.agentoperator.reconciler;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentPolicy;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.resolve.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Resolution's view of the cluster: providers and configs from the controller's informer caches; Secrets read by
 * name, each watched from then on for the waiting run (see {@link SecretWatches}).
 */
final class InformerClusterState implements ClusterState {
    private final Context<? extends HasMetadata> context;
    private final ResourceID run;
    private final SecretWatches<?> secrets;
    private final Set<ResourceID> secretsRead = new HashSet<>();
    private boolean allWatched = true;

    InformerClusterState(Context<? extends HasMetadata> context, ResourceID run, SecretWatches<?> secrets) {
        this.context = context;
        this.run = run;
        this.secrets = secrets;
    }

    /** The Secrets resolution looked at: those a waiting run keeps watching. */
    Set<ResourceID> secretsRead() {
        return secretsRead;
    }

    @Override
    public Optional<AgentProvider> provider(String namespace, String name) {
        return source(AgentProvider.class).get(new ResourceID(name, namespace));
    }

    /** False when a Secret it read could not be watched: then nothing wakes a run that waits for it. */
    boolean allWatched() {
        return allWatched;
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        var id = new ResourceID(name, namespace);
        secretsRead.add(id);
        var read = secrets.watchAndGet(run, id);
        allWatched &= read.watched();
        return read.secret();
    }

    @Override
    public List<AgentConfig> configs(String namespace) {
        return source(AgentConfig.class).list(namespace, c -> true).toList();
    }

    @Override
    public Optional<AgentPolicy> policy(String namespace) {
        return source(AgentPolicy.class).get(new ResourceID(AgentPolicy.NAME, namespace));
    }

    @SuppressWarnings("unchecked")
    private <R extends HasMetadata> InformerEventSource<R, ?> source(Class<R> type) {
        return (InformerEventSource<R, ?>) context.eventSourceRetriever().getEventSourceFor(type);
    }
}
