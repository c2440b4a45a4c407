package com.xonovex.agentoperator.reconciler;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentConfigStatus;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.ReadyStatus;
import com.xonovex.agentoperator.status.Conditions;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Tells users whether their namespace defaults point somewhere: condition Ready is False while a provider named in
 * defaultProviders does not exist, so a typo shows on the AgentConfig, not only on every run that waits for it.
 */
// RBAC: the ClusterRole agentconfig-cluster-role in src/main/kubernetes/kubernetes.yml (each verb explained)
@ControllerConfiguration(name = AgentConfigReconciler.NAME)
public class AgentConfigReconciler implements Reconciler<AgentConfig> {
    public static final String NAME = "agentconfig";
    public static final String READY = ReadyStatus.READY;
    private static final Logger LOG = Logger.getLogger(AgentConfigReconciler.class);

    @Override
    public List<EventSource<?, AgentConfig>> prepareEventSources(EventSourceContext<AgentConfig> context) {
        IndexerResourceCache<AgentConfig> configs = context.getPrimaryCache();
        var providers = InformerEventSourceConfiguration.from(AgentProvider.class, AgentConfig.class)
                .withName("providers")
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper((AgentProvider provider) -> configs
                        .list(provider.getMetadata().getNamespace(), c -> true)
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build();
        return List.of(new InformerEventSource<>(providers, context));
    }

    @Override
    public UpdateControl<AgentConfig> reconcile(AgentConfig config, Context<AgentConfig> context) {
        var meta = config.getMetadata();
        var named = config.getSpec().getDefaultProviders() == null ? Map.<String, String> of()
                : config.getSpec().getDefaultProviders();
        @SuppressWarnings("unchecked")
        var providers = (InformerEventSource<AgentProvider, AgentConfig>) context.eventSourceRetriever()
                .getEventSourceFor(AgentProvider.class, "providers");
        Set<String> missing = named.values().stream()
                .filter(name -> providers.get(new ResourceID(name, meta.getNamespace())).isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        boolean ready = missing.isEmpty();
        var reason = ready ? "ProvidersFound" : "ProviderNotFound";
        var message = ready ? "every provider in defaultProviders exists"
                : "defaultProviders names AgentProviders that do not exist: " + String.join(", ", missing);

        var previous = config.getStatus();
        var next = new AgentConfigStatus();
        next.setReady(ready);
        next.setObservedGeneration(meta.getGeneration());
        next.setConditions(Conditions.set(previous == null ? List.of() : previous.getConditions(), READY, ready,
                reason, message, meta.getGeneration(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        if (!StatusWriter.write(config, next, context, AgentConfig::new)) {
            return UpdateControl.noUpdate();
        }
        if (previous == null || previous.isReady() != ready) {
            LOG.infof("%s/%s: ready=%s: %s", meta.getNamespace(), meta.getName(), ready, message);
            Events.emit(context.getClient(), config, ready ? Events.NORMAL : Events.WARNING, reason, message);
        }
        return UpdateControl.noUpdate();
    }
}
