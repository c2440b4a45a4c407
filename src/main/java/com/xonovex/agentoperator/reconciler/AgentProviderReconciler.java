package com.xonovex.agentoperator.reconciler;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentProviderStatus;
import com.xonovex.agentoperator.api.ReadyStatus;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.resolve.RunResolver;
import com.xonovex.agentoperator.status.Conditions;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;

/** Sets an AgentProvider's status.ready: true only while its token Secret and key exist. */
// RBAC: the ClusterRole agentprovider-cluster-role in src/main/kubernetes/kubernetes.yml (each verb explained)
@ControllerConfiguration(name = AgentProviderReconciler.NAME)
public class AgentProviderReconciler implements Reconciler<AgentProvider> {
    public static final String NAME = "agentprovider";
    public static final String READY = ReadyStatus.READY;
    private static final Logger LOG = Logger.getLogger(AgentProviderReconciler.class);

    private final OperatorConfig config;
    private SecretWatches<AgentProvider> secretWatches;

    public AgentProviderReconciler(OperatorConfig config) {
        this.config = config;
    }

    @Override
    public List<EventSource<?, AgentProvider>> prepareEventSources(EventSourceContext<AgentProvider> context) {
        secretWatches = new SecretWatches<>(context.getClient(), config.maxSecretWatches());
        return List.of(secretWatches);
    }

    @Override
    public UpdateControl<AgentProvider> reconcile(AgentProvider provider, Context<AgentProvider> context) {
        var meta = provider.getMetadata();
        var who = meta.getNamespace() + "/" + meta.getName();
        var ref = provider.getSpec().getAuthTokenSecretRef();
        boolean ready;
        boolean pollSecret = false;
        String reason;
        String message;
        var id = ResourceID.fromResource(provider);
        if (ref == null) {
            secretWatches.retainOnly(id, Set.of());
            ready = true;
            reason = "NoTokenRequired";
            message = "the provider names no auth token Secret";
        } else {
            // the provider keeps watching its Secret: readiness follows it as it appears and disappears
            var secretId = new ResourceID(ref.getName(), meta.getNamespace());
            var read = secretWatches.watchAndGet(id, secretId);
            secretWatches.retainOnly(id, Set.of(secretId));
            pollSecret = !read.watched();
            var missing = RunResolver.missingSecretKey(ref, read.secret(), "auth token");
            ready = missing.isEmpty();
            reason = missing.map(m -> m.reason()).orElse("SecretFound");
            message = missing.map(m -> m.message())
                    .orElse("Secret " + ref.getName() + " has key " + ref.getKey());
        }
        var previous = provider.getStatus();
        var next = new AgentProviderStatus();
        next.setReady(ready);
        next.setObservedGeneration(meta.getGeneration());
        next.setConditions(Conditions.set(previous == null ? List.of() : previous.getConditions(), READY, ready,
                reason, message, meta.getGeneration(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        var control = pollSecret ? UpdateControl.<AgentProvider> noUpdate().rescheduleAfter(config.secretPollInterval())
                : UpdateControl.<AgentProvider> noUpdate();
        if (!StatusWriter.write(provider, next, context, AgentProvider::new)) {
            return control;
        }
        if (previous == null || previous.isReady() != ready) {
            LOG.infof("%s: ready=%s: %s", who, ready, message);
            Events.emit(context.getClient(), provider, ready ? Events.NORMAL : Events.WARNING,
                    ready ? "Ready" : reason, message);
        }
        return control;
    }
}
