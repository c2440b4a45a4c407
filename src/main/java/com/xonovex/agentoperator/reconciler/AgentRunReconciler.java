package com.xonovex.agentoperator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import com.xonovex.agentoperator.agent.Guardrail;
import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.metrics.RunMetrics;
import com.xonovex.agentoperator.resolve.Resolution;
import com.xonovex.agentoperator.resolve.RunResolver;
import com.xonovex.agentoperator.status.Graces;
import com.xonovex.agentoperator.status.Observation;
import com.xonovex.agentoperator.status.PhaseDeriver;
import com.xonovex.agentoperator.status.Reasons;
import com.xonovex.agentoperator.status.RunStatuses;
import com.xonovex.agentoperator.workload.AgentJobBuilder;
import com.xonovex.agentoperator.workload.ChildNames;
import com.xonovex.agentoperator.workload.Labels;
import com.xonovex.agentoperator.workload.Owners;
import com.xonovex.agentoperator.workload.PromptConfigMapBuilder;
import com.xonovex.agentoperator.workload.WorkspacePvcBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Turns an AgentRun into a workspace PVC, a prompt ConfigMap and a Job, exactly once, then follows the Job and its
 * pod to set the run's phase. Reacts to events on Jobs, Pods, AgentProviders, AgentConfigs and the Secrets a waiting
 * run names; it looks again by itself only where time passes without an event (a grace period running out).
 * <p>
 * A run is started once: its status records the Job it created, and a started run whose Job disappears fails with
 * {@code JobDeleted} instead of running the agent again. Children are the run's own only when their controller
 * owner reference carries the run's UID: a name taken by anything else fails the run with {@code NameConflict}.
 * Failed API calls are retried with back-off, without end, and shown on condition {@code ReconcileError}.
 */
@ControllerConfiguration(name = AgentRunReconciler.NAME)
@GradualRetry(maxAttempts = -1, initialInterval = 2_000, intervalMultiplier = 2, maxInterval = 300_000)
// What the operator really calls, beyond its own AgentRuns: children are created once and only read after that,
// except that a Job whose run has already ended is suspended (patch) to stop a pod that could never start; events
// of a stuck pod are listed to name a volume that does not mount; Secrets are read and watched one by one, by name,
// only while a run waits for them (no list, no Secret cache).
@RBACRule(apiGroups = "batch", resources = "jobs", verbs = { "get", "list", "watch", "create", "patch" })
@RBACRule(apiGroups = "", resources = "pods", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = { "persistentvolumeclaims", "configmaps" }, verbs = { "get", "create" })
@RBACRule(apiGroups = "", resources = "secrets", verbs = { "get", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create", "list" })
@RBACRule(apiGroups = AgentRun.GROUP, resources = { "agentproviders", "agentconfigs" }, verbs = { "get", "list",
        "watch" })
public class AgentRunReconciler implements Reconciler<AgentRun> {
    public static final String NAME = "agentrun";
    private static final Logger LOG = Logger.getLogger(AgentRunReconciler.class);
    private static final Duration PREVIOUS_JOB_RECHECK = Duration.ofSeconds(5);

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
        secretWatches = new SecretWatches<>(context.getClient(), config.maxSecretWatches());
        return List.of(
                new InformerEventSource<>(jobs, context),
                new InformerEventSource<>(pods, context),
                new InformerEventSource<>(providers, context),
                new InformerEventSource<>(configs, context),
                secretWatches);
    }

    /** What one reconciliation decided: the next status, and when to look again without an event (or never). */
    private record Outcome(AgentRunStatus status, Duration recheckAfter) {
        Outcome(AgentRunStatus status) {
            this(status, null);
        }
    }

    @Override
    public UpdateControl<AgentRun> reconcile(AgentRun run, Context<AgentRun> context) {
        var who = who(run);
        var id = ResourceID.fromResource(run);
        var names = ChildNames.of(run);
        var job = ownJob(run, names, context);
        var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (isTerminal(run)) {
            // a terminal run never changes phase again, whatever happens to its Job afterwards
            secretWatches.retainOnly(id, Set.of());
            job.ifPresent(j -> stopIfActive(j, context.getClient(), who));
            return retention(run, run.getStatus().getCompletionTime(), context, who, now);
        }
        Outcome outcome;
        if (run.getSpec().isCancelRequested()) {
            secretWatches.retainOnly(id, Set.of());
            job.ifPresent(j -> stopIfActive(j, context.getClient(), who));
            LOG.infof("%s: cancelled by spec.cancel", who);
            outcome = new Outcome(RunStatuses.cancelled(run, job.isPresent() || RunStatuses.isStarted(run),
                    now.toString()));
        } else if (job.isPresent()) {
            secretWatches.retainOnly(id, Set.of());
            outcome = observe(run, job.get(), names, context, now);
        } else if (RunStatuses.isStarted(run)) {
            secretWatches.retainOnly(id, Set.of());
            outcome = jobMissing(run, names, context, who, now);
        } else {
            outcome = start(run, names, context, who, now);
        }
        write(run, outcome.status(), context, who);
        if (outcome.status().getPhase() != null && outcome.status().getPhase().isTerminal()) {
            job.ifPresent(j -> stopIfActive(j, context.getClient(), who));
            // the write of our own status wakes nobody: the retention clock starts here
            return retention(run, outcome.status().getCompletionTime(), context, who, now);
        }
        return outcome.recheckAfter() == null ? UpdateControl.noUpdate()
                : UpdateControl.<AgentRun> noUpdate().rescheduleAfter(outcome.recheckAfter());
    }

    private Outcome observe(AgentRun run, Job job, ChildNames names, Context<AgentRun> context, Instant now) {
        var jobUid = job.getMetadata().getUid();
        var pods = context.getSecondaryResourcesAsStream(Pod.class)
                .filter(p -> Owners.isControlledBy(p, jobUid)).toList();
        var graces = new Graces(config.imagePullGrace(), config.mountGrace());
        var observation = PhaseDeriver.observe(job, pods, now, graces,
                pod -> mountFailure(context.getClient(), pod));
        var agent = agentOf(run, job);
        return new Outcome(RunStatuses.observed(run, observation, agent, names, now.toString()),
                observation.recheckAfter());
    }

    /**
     * The status says the Job was created, yet the cache has none of ours. The cache may simply lag behind our own
     * create, so the API server decides; if it has no Job of ours either, the Job was deleted under a started run,
     * and the agent is not run a second time.
     */
    private Outcome jobMissing(AgentRun run, ChildNames names, Context<AgentRun> context, String who, Instant now) {
        var fromServer = context.getClient().batch().v1().jobs().inNamespace(run.getMetadata().getNamespace())
                .withName(names.job()).get();
        if (fromServer != null && Owners.isControlledBy(fromServer, run.getMetadata().getUid())) {
            return observe(run, fromServer, names, context, now);
        }
        var message = "the run's Job " + names.job() + " was deleted after the run started; a run is not started "
                + "twice, so it ends here (its workspace stays until the run is deleted)";
        LOG.warnf("%s: %s", who, message);
        return new Outcome(RunStatuses.failed(run, run.getStatus().getAgent(), Reasons.JOB_DELETED, message,
                now.toString()));
    }

    /** Resolves the run and creates its children, or says why it has to wait. */
    private Outcome start(AgentRun run, ChildNames names, Context<AgentRun> context, String who, Instant now) {
        var id = ResourceID.fromResource(run);
        var cluster = new InformerClusterState(context, id, secretWatches);
        var resolution = RunResolver.resolve(run, cluster, config);
        // a waiting run keeps watching the Secrets it looked at; a started one needs none
        secretWatches.retainOnly(id, resolution instanceof Resolution.Blocked ? cluster.secretsRead() : Set.of());
        var agent = run.getSpec().getAgent();
        if (resolution instanceof Resolution.Blocked blocked) {
            LOG.infof("%s: waiting: %s", who, blocked.message());
            // nothing wakes a run for a Secret that could not be watched: it looks again by itself
            return new Outcome(RunStatuses.blocked(run, blocked, agent, now.toString()),
                    cluster.allWatched() ? null : config.secretPollInterval());
        }
        var resolved = ((Resolution.Resolved) resolution).run();
        agent = resolved.agent().type();
        var client = context.getClient();
        try {
            for (var child : List.of(WorkspacePvcBuilder.build(run, resolved), PromptConfigMapBuilder.build(run,
                    resolved), AgentJobBuilder.build(run, resolved, config))) {
                var conflict = createOwned(client, child, run);
                if (conflict.isPresent()) {
                    return nameConflict(run, agent, child, conflict.get(), who, now);
                }
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422 || e.getCode() == 400) {
                // the spec passed the CRD's validation but the server refuses a child; retrying cannot help
                LOG.warnf("%s: the API server refused a child resource: %s", who, e.getMessage());
                return new Outcome(RunStatuses.failed(run, agent, Reasons.INVALID_WORKLOAD,
                        "the API server refused the run's workload: " + ReconcileErrors.serverMessage(e),
                        now.toString()));
            }
            throw e;
        }
        LOG.infof("%s: created PVC %s, ConfigMap %s and Job %s (agent %s, image %s)", who, names.workspaceClaim(),
                names.promptConfigMap(), names.job(), agent, resolved.image());
        var requested = new java.util.ArrayList<String>();
        var unenforced = new java.util.ArrayList<String>();
        var supported = resolved.agent().supported();
        if (resolved.maxTurns() != null) {
            requested.add("maxTurns");
            if (!supported.contains(Guardrail.MAX_TURNS)) {
                unenforced.add("maxTurns");
            }
        }
        if (resolved.maxBudgetUSD() != null) {
            requested.add("maxBudgetUSD");
            if (!supported.contains(Guardrail.MAX_BUDGET_USD)) {
                unenforced.add("maxBudgetUSD");
            }
        }
        return new Outcome(RunStatuses.started(run, agent, resolved.provider().name(), names, requested, unenforced,
                now.toString()));
    }

    /**
     * Creates a child; a 409 is fine only if the existing object is controlled by this very run (made by an earlier
     * reconciliation, perhaps of an operator that was restarted). Otherwise it returns the existing object.
     */
    private static Optional<HasMetadata> createOwned(KubernetesClient client, HasMetadata child, AgentRun run) {
        try {
            client.resource(child).create();
            return Optional.empty();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        var existing = client.resource(child).get();
        if (existing == null) {
            // deleted since the 409: the next reconciliation creates it
            throw new KubernetesClientException(child.getKind() + " " + child.getMetadata().getName()
                    + " existed and is gone; trying again");
        }
        return Owners.isControlledBy(existing, run.getMetadata().getUid()) ? Optional.empty() : Optional.of(existing);
    }

    private Outcome nameConflict(AgentRun run, AgentType agent, HasMetadata child, HasMetadata existing, String who,
            Instant now) {
        var kind = child.getKind();
        var name = child.getMetadata().getName();
        var owner = Owners.controllerOf(existing);
        boolean previousRun = owner.isPresent() && AgentRun.class.getSimpleName().equals(owner.get().getKind())
                && run.getMetadata().getName().equals(owner.get().getName());
        var waited = Duration.between(created(run, now), now);
        if (previousRun && waited.compareTo(config.previousJobGrace()) < 0) {
            var message = kind + " " + name + " still belongs to an earlier AgentRun of this name (uid "
                    + owner.get().getUid() + "), which the garbage collector is removing; waiting for it to go";
            LOG.infof("%s: %s", who, message);
            return new Outcome(RunStatuses.waiting(run, agent, Reasons.PREVIOUS_JOB_PRESENT, message, now.toString()),
                    PREVIOUS_JOB_RECHECK);
        }
        var holder = owner.map(o -> "is controlled by " + o.getKind() + " " + o.getName() + " (uid " + o.getUid()
                + ")").orElse("is not controlled by this run");
        var message = kind + " " + name + " already exists and " + holder + "; the run does not take it over. "
                + "Delete that " + kind + " or create the run under another name";
        LOG.warnf("%s: %s", who, message);
        return new Outcome(RunStatuses.failed(run, agent, Reasons.NAME_CONFLICT, message, now.toString()));
    }

    /**
     * A finished run is deleted (and with it its Job, pod and workspace) once ttlSecondsAfterFinished (the run's, else
     * its AgentConfig's) has passed since it ended; until then the reconciliation comes back at that time.
     */
    private UpdateControl<AgentRun> retention(AgentRun run, String completionTime, Context<AgentRun> context,
            String who, Instant now) {
        var ttl = run.getSpec().getTtlSecondsAfterFinished();
        if (ttl == null) {
            var configs = ((InformerEventSource<AgentConfig, ?>) context.eventSourceRetriever()
                    .getEventSourceFor(AgentConfig.class)).list(run.getMetadata().getNamespace(), c -> true).toList();
            ttl = RunResolver.namespaceConfig(configs).map(c -> c.getSpec().getDefaultTTLSecondsAfterFinished())
                    .orElse(null);
        }
        if (ttl == null) {
            return UpdateControl.noUpdate();
        }
        var ended = parseOr(completionTime, now);
        var left = Duration.between(now, ended.plusSeconds(ttl));
        if (left.isNegative() || left.isZero()) {
            LOG.infof("%s: deleting the run: it ended %s and ttlSecondsAfterFinished is %ds", who, ended, ttl);
            context.getClient().resource(run).delete();
            return UpdateControl.noUpdate();
        }
        return UpdateControl.<AgentRun> noUpdate().rescheduleAfter(left);
    }

    private static Instant parseOr(String time, Instant fallback) {
        try {
            return time == null ? fallback : Instant.parse(time);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /**
     * A run that ended while its Job still runs (a pod that can never start, or a Job we no longer follow) would
     * keep its pod until the deadline: suspending the Job makes the Job controller remove the pod, and keeps the
     * Job for inspection.
     */
    private static void stopIfActive(Job job, KubernetesClient client, String who) {
        var spec = job.getSpec();
        boolean finished = job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus())
                        && Set.of("Complete", "Failed", "FailureTarget", "SuccessCriteriaMet").contains(c.getType()));
        if (finished || spec != null && Boolean.TRUE.equals(spec.getSuspend())) {
            return;
        }
        LOG.infof("%s: suspending Job %s: the run has ended, its pod is no longer needed", who,
                job.getMetadata().getName());
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":true}}");
    }

    private void write(AgentRun run, AgentRunStatus next, Context<AgentRun> context, String who) {
        var previous = run.getStatus();
        if (!StatusWriter.write(run, next, context, AgentRun::new)) {
            return;
        }
        var before = previous == null ? null : previous.getPhase();
        var reasonBefore = previous == null ? null : com.xonovex.agentoperator.status.Conditions
                .reason(previous.getConditions(), Reasons.RESOLVED);
        var reasonNow = com.xonovex.agentoperator.status.Conditions.reason(next.getConditions(), Reasons.RESOLVED);
        // events on phase changes, and on a waiting run's new reason to wait; not on every message
        if (before != next.getPhase() || next.getPhase() == Phase.PENDING && !Objects.equals(reasonBefore, reasonNow)) {
            LOG.infof("%s: phase %s -> %s: %s", who, before, next.getPhase(), next.getMessage());
            var type = next.getPhase() == Phase.FAILED || next.getPhase() == Phase.TIMED_OUT ? Events.WARNING
                    : Events.NORMAL;
            Events.emit(context.getClient(), run, type, next.getPhase().value(), next.getMessage());
            if (next.getPhase().isTerminal()) {
                var agent = next.getAgent() == null ? null : next.getAgent().value();
                metrics.finished(agent, next.getPhase(), next.getStartTime(), next.getCompletionTime());
                metrics.spent(run.getMetadata().getNamespace(), agent, next.getProvider(), next.getResult());
            }
        }
    }

    /**
     * A failed reconciliation (the API server refused or did not answer): the run keeps its phase, condition
     * ReconcileError says why, a Warning event tells it once, and JOSDK retries with back-off, without end. A
     * ResourceQuota that refuses a child keeps the run Pending with reason QuotaExceeded until it allows it.
     */
    @Override
    public ErrorStatusUpdateControl<AgentRun> updateErrorStatus(AgentRun run, Context<AgentRun> context,
            Exception e) {
        var error = ReconcileErrors.describe(e);
        var who = who(run);
        LOG.warnf("%s: reconciliation failed, retrying with back-off: %s", who, error.message());
        var next = RunStatuses.reconcileError(run, error.reason(), error.message(), error.quota(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            if (StatusWriter.write(run, next, context, AgentRun::new)) {
                Events.emit(context.getClient(), run, Events.WARNING, error.quota() ? Reasons.QUOTA_EXCEEDED
                        : Reasons.RECONCILE_ERROR, error.message());
            }
        } catch (KubernetesClientException writeFailed) {
            LOG.warnf("%s: could not record the error in the status either: %s", who, writeFailed.getMessage());
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** The FailedMount events of a pod that waits to start its containers, newest message first. */
    private static Optional<String> mountFailure(KubernetesClient client, Pod pod) {
        try {
            return client.v1().events().inNamespace(pod.getMetadata().getNamespace())
                    .withField("involvedObject.uid", pod.getMetadata().getUid())
                    .withField("reason", Reasons.FAILED_MOUNT)
                    .list().getItems().stream()
                    .max(java.util.Comparator.comparing(ev -> Objects.toString(ev.getLastTimestamp(), "")))
                    .map(io.fabric8.kubernetes.api.model.Event::getMessage);
        } catch (KubernetesClientException e) {
            LOG.warnf("%s/%s: could not read the pod's events: %s", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The run's Job: of the Jobs the cache relates to the run, the one of its name that the run controls. */
    private static Optional<Job> ownJob(AgentRun run, ChildNames names, Context<AgentRun> context) {
        var uid = run.getMetadata().getUid();
        return context.getSecondaryResourcesAsStream(Job.class)
                .filter(j -> names.job().equals(j.getMetadata().getName()) && Owners.isControlledBy(j, uid))
                .findFirst();
    }

    private static AgentType agentOf(AgentRun run, Job job) {
        var label = job.getMetadata().getLabels() == null ? null
                : job.getMetadata().getLabels().get(Labels.AGENT_TYPE);
        if (label != null) {
            return AgentType.fromValue(label);
        }
        return run.getStatus() != null ? run.getStatus().getAgent() : run.getSpec().getAgent();
    }

    private static boolean isTerminal(AgentRun run) {
        return run.getStatus() != null && run.getStatus().getPhase() != null && run.getStatus().getPhase().isTerminal();
    }

    private static Instant created(AgentRun run, Instant now) {
        try {
            return Instant.parse(run.getMetadata().getCreationTimestamp());
        } catch (RuntimeException e) {
            return now;
        }
    }

    private static String who(AgentRun run) {
        return run.getMetadata().getNamespace() + "/" + run.getMetadata().getName();
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
                .collect(Collectors.toSet());
    }

    private static boolean isWaiting(AgentRun run) {
        return !RunStatuses.isStarted(run) && !isTerminal(run);
    }
}
