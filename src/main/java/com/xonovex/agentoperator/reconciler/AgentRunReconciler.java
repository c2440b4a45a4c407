package com.xonovex.agentoperator.reconciler;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jboss.logging.Logger;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.metrics.RunMetrics;
import com.xonovex.agentoperator.resolve.Resolution;
import com.xonovex.agentoperator.resolve.RunResolver;
import com.xonovex.agentoperator.status.PhaseDeriver;
import com.xonovex.agentoperator.status.RunStatuses;
import com.xonovex.agentoperator.workload.AgentJobBuilder;
import com.xonovex.agentoperator.workload.ChildNames;
import com.xonovex.agentoperator.workload.Labels;
import com.xonovex.agentoperator.workload.PromptConfigMapBuilder;
import com.xonovex.agentoperator.workload.WorkspacePvcBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * Turns an AgentRun into a workspace PVC, a prompt ConfigMap and a Job, then follows the Job and its pod to set the
 * run's phase. Reacts to events on Jobs, Pods, AgentProviders, AgentConfigs and the Secrets a waiting run names;
 * it never polls.
 */
@ControllerConfiguration(name = AgentRunReconciler.NAME)
// What the operator really calls, beyond its own AgentRuns: children are created once and only read after that;
// Secrets are read and watched one by one, by name, only while a run waits for them (no list, no Secret cache).
@RBACRule(apiGroups = "batch", resources = "jobs", verbs = { "get", "list", "watch", "create" })
@RBACRule(apiGroups = "", resources = "pods", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = { "persistentvolumeclaims", "configmaps" }, verbs = "create")
@RBACRule(apiGroups = "", resources = "secrets", verbs = { "get", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = "create")
@RBACRule(apiGroups = AgentRun.GROUP, resources = { "agentproviders", "agentconfigs" }, verbs = { "get", "list",
        "watch" })
public class AgentRunReconciler implements Reconciler<AgentRun> {
    public static final String NAME = "agentrun";
    private static final Logger LOG = Logger.getLogger(AgentRunReconciler.class);

    private final OperatorConfig config;
    private final RunMetrics metrics;
    private SecretWatches<AgentRun> secretWatches;

    public AgentRunReconciler(OperatorConfig config, RunMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public List<EventSource<?, AgentRun>> prepareEventSources(EventSourceContext<AgentRun> context) {
        IndexerResourceCache<AgentRun> runs = context.getPrimaryCache();
        metrics.watch(() -> runs.list());

        var jobs = InformerEventSourceConfiguration.from(Job.class, AgentRun.class)
                .withName("jobs")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(AgentRun.class, false))
                .build();
        var pods = InformerEventSourceConfiguration.from(Pod.class, AgentRun.class)
                .withName("pods")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(AgentRunReconciler::runOfPod)
                .build();
        var providers = InformerEventSourceConfiguration.from(AgentProvider.class, AgentRun.class)
                .withName("providers")
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(AgentRunReconciler.<AgentProvider> waitingRunsInNamespace(runs))
                .build();
        var configs = InformerEventSourceConfiguration.from(AgentConfig.class, AgentRun.class)
                .withName("configs")
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(AgentRunReconciler.<AgentConfig> waitingRunsInNamespace(runs))
                .build();
        secretWatches = new SecretWatches<>(context.getClient());
        return List.of(
                new InformerEventSource<>(jobs, context),
                new InformerEventSource<>(pods, context),
                new InformerEventSource<>(providers, context),
                new InformerEventSource<>(configs, context),
                secretWatches);
    }

    @Override
    public UpdateControl<AgentRun> reconcile(AgentRun run, Context<AgentRun> context) {
        var who = run.getMetadata().getNamespace() + "/" + run.getMetadata().getName();
        var current = run.getStatus();
        var id = ResourceID.fromResource(run);
        if (current != null && current.getPhase() != null && current.getPhase().isTerminal()) {
            // a terminal run never changes phase again, whatever happens to its Job afterwards
            secretWatches.retainOnly(id, Set.of());
            return UpdateControl.noUpdate();
        }
        var now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        var jobName = ChildNames.job(run.getMetadata().getName());
        var pvcName = ChildNames.workspacePvc(run.getMetadata().getName());
        var job = context.getSecondaryResource(Job.class, "jobs");

        AgentRunStatus next;
        if (job.isPresent()) {
            secretWatches.retainOnly(id, Set.of());
            var pods = context.getSecondaryResourcesAsStream(Pod.class).toList();
            var observation = PhaseDeriver.observe(job.get(), pods);
            var agent = job.get().getMetadata().getLabels().get(Labels.AGENT_TYPE);
            next = RunStatuses.observed(run, observation, agent, jobName, pvcName, now);
        } else {
            next = start(run, context, who, jobName, pvcName, now);
        }
        writeStatus(run, next, context, who);
        return UpdateControl.noUpdate();
    }

    /** Resolves the run and creates its children, or says why it has to wait. */
    private AgentRunStatus start(AgentRun run, Context<AgentRun> context, String who, String jobName, String pvcName,
            String now) {
        var id = ResourceID.fromResource(run);
        var cluster = new InformerClusterState(context, id, secretWatches);
        var resolution = RunResolver.resolve(run, cluster, config);
        // a waiting run keeps watching the Secrets it looked at; a started one needs none
        secretWatches.retainOnly(id, resolution instanceof Resolution.Blocked ? cluster.secretsRead() : Set.of());
        var agentName = run.getSpec().getAgent() == null ? null : run.getSpec().getAgent().value();
        if (resolution instanceof Resolution.Blocked blocked) {
            LOG.infof("%s: waiting: %s", who, blocked.message());
            return RunStatuses.blocked(run, blocked, agentName, now);
        }
        var resolved = ((Resolution.Resolved) resolution).run();
        agentName = resolved.agent().type().value();
        var client = context.getClient();
        try {
            createIfAbsent(client, WorkspacePvcBuilder.build(run, resolved));
            createIfAbsent(client, PromptConfigMapBuilder.build(run, resolved));
            createIfAbsent(client, AgentJobBuilder.build(run, resolved, config));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422 || e.getCode() == 400) {
                // the spec passed the CRD's validation but the server refuses a child; retrying cannot help
                LOG.warnf("%s: the API server refused a child resource: %s", who, e.getMessage());
                return RunStatuses.failedBeforeStart(run, agentName, "InvalidWorkload",
                        "the API server refused the run's workload: " + serverMessage(e), now);
            }
            throw e;
        }
        LOG.infof("%s: created PVC %s and Job %s (agent %s, image %s)", who, pvcName, jobName, agentName,
                resolved.image());
        return RunStatuses.created(run, agentName, jobName, pvcName, now);
    }

    private static void createIfAbsent(KubernetesClient client, HasMetadata resource) {
        try {
            client.resource(resource).create();
        } catch (KubernetesClientException e) {
            // 409: made by an earlier reconciliation, perhaps of an operator that was restarted; names are fixed
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void writeStatus(AgentRun run, AgentRunStatus next, Context<AgentRun> context, String who) {
        var previous = run.getStatus();
        if (Objects.equals(previous, next)) {
            return;
        }
        StatusPatch.apply(run, next, context, AgentRun::new);

        var before = previous == null ? null : previous.getPhase();
        if (before != next.getPhase() || !Objects.equals(previous == null ? null : previous.getMessage(),
                next.getMessage()) && next.getPhase() == Phase.PENDING) {
            LOG.infof("%s: phase %s -> %s: %s", who, before, next.getPhase(), next.getMessage());
            var type = next.getPhase() == Phase.FAILED || next.getPhase() == Phase.TIMED_OUT ? Events.WARNING
                    : Events.NORMAL;
            Events.emit(context.getClient(), run, type, next.getPhase().value(), next.getMessage());
            if (next.getPhase().isTerminal()) {
                metrics.finished(next.getAgent(), next.getPhase(), next.getStartTime(), next.getCompletionTime());
            }
        }
    }

    /** Pods carry the full run name in an annotation: a label could be too short for it. */
    private static Set<ResourceID> runOfPod(Pod pod) {
        var annotations = pod.getMetadata().getAnnotations();
        var run = annotations == null ? null : annotations.get(Labels.RUN_ANNOTATION);
        return run == null ? Set.of() : Set.of(new ResourceID(run, pod.getMetadata().getNamespace()));
    }

    /**
     * A provider or config matters only to runs still waiting for one; those in the same namespace are
     * woken up, and resolution tells whether it was the missing piece.
     */
    private static <R extends HasMetadata> SecondaryToPrimaryMapper<R> waitingRunsInNamespace(
            IndexerResourceCache<AgentRun> runs) {
        return resource -> runs.list(resource.getMetadata().getNamespace(), AgentRunReconciler::isWaiting)
                .map(ResourceID::fromResource)
                .collect(java.util.stream.Collectors.toSet());
    }

    private static boolean isWaiting(AgentRun run) {
        return run.getStatus() == null || run.getStatus().getPhase() == null
                || run.getStatus().getPhase() == Phase.PENDING && run.getStatus().getJobName() == null;
    }

    private static String serverMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }
}
