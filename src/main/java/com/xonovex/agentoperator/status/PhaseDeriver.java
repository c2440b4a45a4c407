package com.xonovex.agentoperator.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import com.xonovex.agentoperator.api.OutputStatus;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.RunResult;
import com.xonovex.agentoperator.result.AgentResults;
import com.xonovex.agentoperator.result.PublishResults;
import com.xonovex.agentoperator.workload.AgentJobBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/**
 * Derives a run's phase from its Job and pod, as the Job controller and kubelet report them. Success, failure and
 * deadline come from the Job's conditions, including the interim {@code FailureTarget} and {@code
 * SuccessCriteriaMet} (since Kubernetes 1.31 {@code Failed}/{@code Complete} wait until every pod has terminated,
 * which on a lost node can take long); the pod explains why and gives the exit code. A pod that can never start its
 * containers (bad image, missing Secret or ConfigMap key, a volume that does not mount) fails the run at once or
 * after a short grace, instead of leaving it to its timeout.
 */
public final class PhaseDeriver {
    private static final Set<String> FATAL_AT_ONCE = Set.of(Reasons.INVALID_IMAGE_NAME,
            Reasons.CREATE_CONTAINER_CONFIG_ERROR, Reasons.CREATE_CONTAINER_ERROR);
    private static final Set<String> IMAGE_PULL = Set.of(Reasons.ERR_IMAGE_PULL, Reasons.IMAGE_PULL_BACK_OFF);
    /** Waiting reasons of containers whose pod is still setting up (volumes, image pulls not yet failed). */
    private static final Set<String> CREATING = Set.of("ContainerCreating", "PodInitializing");
    private static final String POD_FAILURE_POLICY = "PodFailurePolicy";
    /**
     * How long a pod the scheduler could not place yet is not worth a status write: the scheduler's longest retry
     * interval (podMaxBackoffSeconds, 10 s). The usual cause is the run's new workspace claim not bound yet, which
     * the volume provisioner settles within seconds; a pod still unplaced after that is PodNotScheduled.
     */
    static final Duration SCHEDULING_GRACE = Duration.ofSeconds(10);
    /**
     * How long a pod may wait for its workspace claim to be bound (the scheduler says it "has unbound immediate
     * PersistentVolumeClaims") before that is news: a volume provisioner takes seconds to tens of seconds (a cloud
     * disk; a busy cluster's provisioner creating many volumes one after the other), and the run's own claim is
     * created a moment before its pod. A claim that is never bound (no such storage class, no provisioner) still
     * shows within a minute.
     */
    static final Duration CLAIM_BINDING_GRACE = Duration.ofMinutes(1);
    /** The scheduler's words for a pod whose claims are not bound yet (VolumeBinding plugin). */
    private static final String UNBOUND_CLAIMS = "unbound immediate PersistentVolumeClaims";
    /**
     * One message for the whole normal Initializing phase (containers created, repository cloned): a message that
     * followed each step would be a status write per step (issue 13: at most one write per phase).
     */
    static final String INITIALIZING = "the pod is scheduled; its containers are being created and the repository "
            + "cloned";

    private PhaseDeriver() {
    }

    /**
     * @param mountFailure the message of a FailedMount event of the pod, if any; called only once a pod has waited
     *        longer than the mount grace (it reads events, which the cluster does not push to the operator)
     */
    public static Observation observe(Job job, List<Pod> pods, Instant now, Graces graces,
            Function<Pod, Optional<String>> mountFailure) {
        var pod = newest(pods);
        return derive(job, pod, now, graces, mountFailure).withResult(agentResult(pod));
    }

    private static Observation derive(Job job, Optional<Pod> pod, Instant now, Graces graces,
            Function<Pod, Optional<String>> mountFailure) {
        var podName = pod.map(p -> p.getMetadata().getName()).orElse(null);
        var status = job.getStatus();
        var startTime = status == null ? null : status.getStartTime();

        var failed = jobCondition(job, "Failed").or(() -> jobCondition(job, "FailureTarget"));
        if (failed.isPresent()) {
            return failure(job, failed.get(), pod, podName, startTime, now).withOutput(publishOutput(pod));
        }
        var complete = jobCondition(job, "Complete").or(() -> jobCondition(job, "SuccessCriteriaMet"));
        if (complete.isPresent()) {
            var time = firstSet(status.getCompletionTime(), complete.get().getLastTransitionTime(), now.toString());
            var output = publishOutput(pod);
            var agentFailure = agentFailedBeforePublishing(pod);
            if (agentFailure.isPresent()) {
                var f = agentFailure.get();
                var phase = "timeout".equals(stopReason(pod)) ? Phase.TIMED_OUT : Phase.FAILED;
                var reason = phase == Phase.TIMED_OUT ? Reasons.DEADLINE_EXCEEDED : f.reason();
                var published = output.filter(o -> "Pushed".equals(o.getOutcome()))
                        .map(o -> "; what it left was published to branch " + o.getBranch()).orElse("");
                return new Observation(phase, reason, f.message() + published, f.exitCode(), podName, startTime, time)
                        .withOutput(output);
            }
            var message = output.map(o -> switch (o.getOutcome()) {
                case "Pushed" -> "the agent finished successfully; its work is on branch " + o.getBranch()
                        + (o.getPullRequestURL() != null ? ", " + o.getPullRequestURL() : "");
                case "NoChanges" -> "the agent finished successfully; it changed nothing, so nothing was pushed";
                default -> "the agent finished successfully";
            }).orElse("the agent finished successfully");
            return new Observation(Phase.SUCCEEDED, Reasons.COMPLETED, message, 0, podName, startTime, time)
                    .withOutput(output);
        }
        if (pod.isEmpty()) {
            return new Observation(Phase.PENDING, Reasons.WAITING_FOR_POD, "the Job has not started a pod yet",
                    null, null, startTime, null);
        }
        var p = pod.get();
        var disruption = podCondition(p, "DisruptionTarget").filter(c -> "True".equals(c.getStatus()));
        if (disruption.isPresent()) {
            return disrupted(disruption.get(), podName, startTime, now);
        }
        var scheduled = podCondition(p, "PodScheduled");
        boolean bound = p.getSpec() != null && p.getSpec().getNodeName() != null;
        if (scheduled.isEmpty() && !bound) {
            // the scheduler has not looked at it yet: the usual moment right after the Job made it, nothing to tell
            return new Observation(Phase.PENDING, Reasons.WAITING_FOR_POD, "the pod waits for the scheduler", null,
                    podName, startTime, null);
        }
        if (scheduled.isPresent() && !"True".equals(scheduled.get().getStatus())) {
            var message = scheduled.get().getMessage();
            var grace = message != null && message.contains(UNBOUND_CLAIMS) ? CLAIM_BINDING_GRACE : SCHEDULING_GRACE;
            var left = grace.minus(Duration.between(unschedulableSince(p, scheduled.get(), now), now));
            if (!left.isNegative() && !left.isZero()) {
                // a claim being bound, a retry of the scheduler: news only if it lasts (looked at again then)
                return new Observation(Phase.PENDING, Reasons.WAITING_FOR_POD, "the pod waits for the scheduler",
                        null, podName, startTime, null, left);
            }
            var why = scheduled.map(c -> ": " + firstSet(c.getMessage(), c.getReason(), "")).orElse("");
            return new Observation(Phase.PENDING, Reasons.POD_NOT_SCHEDULED, "the pod is waiting to be scheduled"
                    + why, null, podName, startTime, null);
        }
        var stuck = cannotStart(p, now, graces, mountFailure, podName, startTime);
        if (stuck.isPresent()) {
            return stuck.get();
        }
        var agent = anyContainerStatus(p, AgentJobBuilder.AGENT_CONTAINER);
        boolean agentStarted = agent.map(c -> c.getState() != null
                && (c.getState().getRunning() != null || c.getState().getTerminated() != null)).orElse(false);
        if (agentStarted) {
            boolean publishing = agent.map(c -> c.getState().getTerminated() != null).orElse(false)
                    && anyContainerStatus(p, AgentJobBuilder.PUBLISH_CONTAINER).isPresent();
            return new Observation(Phase.RUNNING, Reasons.STARTED, publishing ? "the agent finished; publishing its work"
                    : "the agent is running", null, podName, startTime, null);
        }
        return new Observation(Phase.INITIALIZING, Reasons.SCHEDULED, INITIALIZING, null, podName, startTime, null);
    }

    private static Observation failure(Job job, JobCondition condition, Optional<Pod> pod, String podName,
            String startTime, Instant now) {
        var status = job.getStatus();
        var time = firstSet(condition.getLastTransitionTime(), status.getCompletionTime(), now.toString());
        if (Reasons.DEADLINE_EXCEEDED.equals(condition.getReason())) {
            return new Observation(Phase.TIMED_OUT, Reasons.DEADLINE_EXCEEDED, "the run exceeded its timeout of "
                    + job.getSpec().getActiveDeadlineSeconds() + "s and was stopped", null, podName, startTime, time);
        }
        var disruption = pod.flatMap(p -> podCondition(p, "DisruptionTarget"))
                .filter(c -> "True".equals(c.getStatus()));
        if (disruption.isPresent()) {
            return disrupted(disruption.get(), podName, startTime, now);
        }
        if (POD_FAILURE_POLICY.equals(condition.getReason()) && condition.getMessage() != null
                && condition.getMessage().contains("DisruptionTarget")) {
            // the Job's podFailurePolicy caught a disruption (the pod itself may be gone already)
            return new Observation(Phase.FAILED, Reasons.POD_DISRUPTED, "the pod was disrupted ("
                    + condition.getMessage() + "); the run is not started again", null, podName, startTime, time);
        }
        var exited = pod.flatMap(PhaseDeriver::containerFailure);
        if (exited.isPresent()) {
            var f = exited.get();
            return new Observation(Phase.FAILED, f.reason(), f.message(), f.exitCode(), podName, startTime, time);
        }
        return new Observation(Phase.FAILED, Reasons.JOB_FAILED, "the Job failed: " + describe(condition), null,
                podName, startTime, time);
    }

    /** Evicted, preempted, or its node lost: not the agent's failure, and not a reason to start the agent again. */
    private static Observation disrupted(PodCondition condition, String podName, String startTime, Instant now) {
        return new Observation(Phase.FAILED, Reasons.POD_DISRUPTED, "the pod was disrupted ("
                + firstSet(condition.getReason(), "no reason given") + ": "
                + firstSet(condition.getMessage(), "no message") + "); the run is not started again", null, podName,
                startTime, firstSet(condition.getLastTransitionTime(), now.toString()));
    }

    /** A container that can never start: a terminal failure now, or once its grace has run out. */
    private static Optional<Observation> cannotStart(Pod pod, Instant now, Graces graces,
            Function<Pod, Optional<String>> mountFailure, String podName, String startTime) {
        var waiting = waitingContainers(pod).toList();
        var since = podStart(pod, now);
        Duration recheck = null;
        for (var w : waiting) {
            var reason = w.state().getReason();
            if (FATAL_AT_ONCE.contains(reason)) {
                return Optional.of(cannotStartFailure(w, podName, startTime, now));
            }
            if (IMAGE_PULL.contains(reason)) {
                var left = graces.imagePull().minus(Duration.between(since, now));
                if (left.isNegative() || left.isZero()) {
                    return Optional.of(cannotStartFailure(w, podName, startTime, now));
                }
                recheck = min(recheck, left);
            }
        }
        boolean creating = !waiting.isEmpty() && waiting.stream().allMatch(w -> CREATING.contains(w.state().getReason()))
                && !anyContainerStarted(pod);
        if (creating) {
            var left = graces.mount().minus(Duration.between(since, now));
            if (left.isNegative() || left.isZero()) {
                var mount = mountFailure.apply(pod);
                if (mount.isPresent()) {
                    return Optional.of(new Observation(Phase.FAILED, Reasons.FAILED_MOUNT,
                            "a volume of the pod cannot be mounted: " + mount.get(), null, podName, startTime,
                            now.toString()));
                }
                left = graces.mount();
            }
            recheck = min(recheck, left);
        }
        if (recheck == null) {
            return Optional.empty();
        }
        var pulling = waiting.stream().filter(w -> IMAGE_PULL.contains(w.state().getReason())).findFirst();
        if (pulling.isPresent()) {
            // one reason for ErrImagePull and ImagePullBackOff, which the kubelet alternates between
            var w = pulling.get();
            return Optional.of(new Observation(Phase.INITIALIZING, Reasons.WAITING_FOR_IMAGE, "the pod is scheduled; "
                    + "container " + w.name() + " waits for its image (" + w.state().getReason() + ")", null, podName,
                    startTime, null, recheck));
        }
        return Optional.of(new Observation(Phase.INITIALIZING, Reasons.SCHEDULED, INITIALIZING, null, podName,
                startTime, null, recheck));
    }

    private static Observation cannotStartFailure(Waiting w, String podName, String startTime, Instant now) {
        var message = w.state().getMessage() == null || w.state().getMessage().isBlank() ? ""
                : ": " + w.state().getMessage().strip();
        return new Observation(Phase.FAILED, w.state().getReason(), (w.init() ? "init container " : "container ")
                + w.name() + " cannot start (" + w.state().getReason() + ")" + message, null, podName, startTime,
                now.toString());
    }

    private record Waiting(String name, boolean init, ContainerStateWaiting state) {
    }

    private static Stream<Waiting> waitingContainers(Pod pod) {
        if (pod.getStatus() == null) {
            return Stream.empty();
        }
        return Stream.concat(waiting(pod.getStatus().getInitContainerStatuses(), true),
                waiting(pod.getStatus().getContainerStatuses(), false));
    }

    private static Stream<Waiting> waiting(List<ContainerStatus> statuses, boolean init) {
        return statuses == null ? Stream.empty() : statuses.stream()
                .filter(c -> c.getState() != null && c.getState().getWaiting() != null
                        && c.getState().getWaiting().getReason() != null)
                .map(c -> new Waiting(c.getName(), init, c.getState().getWaiting()));
    }

    private static boolean anyContainerStarted(Pod pod) {
        if (pod.getStatus() == null) {
            return false;
        }
        return Stream.concat(stream(pod.getStatus().getInitContainerStatuses()),
                stream(pod.getStatus().getContainerStatuses()))
                .anyMatch(c -> c.getState() != null
                        && (c.getState().getRunning() != null || c.getState().getTerminated() != null));
    }

    private static Stream<ContainerStatus> stream(List<ContainerStatus> statuses) {
        return statuses == null ? Stream.empty() : statuses.stream();
    }

    private static Instant unschedulableSince(Pod pod, PodCondition condition, Instant now) {
        var since = firstSet(condition.getLastTransitionTime(), pod.getMetadata().getCreationTimestamp());
        try {
            return since == null ? now : Instant.parse(since);
        } catch (RuntimeException e) {
            return now;
        }
    }

    /** When the kubelet took the pod on: the start of every grace. */
    private static Instant podStart(Pod pod, Instant now) {
        var start = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        if (start == null) {
            start = podCondition(pod, "PodScheduled").map(PodCondition::getLastTransitionTime).orElse(null);
        }
        try {
            return start == null ? now : Instant.parse(start);
        } catch (RuntimeException e) {
            return now;
        }
    }

    private record Failure(String reason, String message, int exitCode) {
    }

    /**
     * The first container that terminated with a non-zero code: git-clone first, then the agent, then publish (whose
     * termination message says which rule refused the change). The agent's and publish's termination messages are
     * structured results, read elsewhere; only git-clone's (the kubelet's) message goes into the sentence.
     */
    private static Optional<Failure> containerFailure(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        var clone = terminatedWithError(pod.getStatus().getInitContainerStatuses(), AgentJobBuilder.CLONE_CONTAINER);
        if (clone.isPresent()) {
            var t = clone.get();
            return Optional.of(new Failure(Reasons.INIT_CONTAINER_FAILED, "init container "
                    + AgentJobBuilder.CLONE_CONTAINER + " failed with exit code " + t.getExitCode() + details(t),
                    t.getExitCode()));
        }
        var agent = anyContainerStatus(pod, AgentJobBuilder.AGENT_CONTAINER).map(PhaseDeriver::terminated)
                .filter(t -> t.getExitCode() != null && t.getExitCode() != 0);
        if (agent.isPresent()) {
            var t = agent.get();
            return Optional.of(agentFailure(t.getExitCode(), AgentResults.parse(t.getMessage())));
        }
        var publish = terminatedWithError(pod.getStatus().getContainerStatuses(), AgentJobBuilder.PUBLISH_CONTAINER);
        return publish.map(t -> {
            var output = PublishResults.parse(t.getMessage());
            var outcome = output.map(OutputStatus::getOutcome).orElse("Failed");
            var reason = switch (outcome) {
                case "Refused" -> Reasons.PUBLISH_REFUSED;
                case "PullRequestFailed" -> Reasons.PULL_REQUEST_FAILED;
                default -> Reasons.PUBLISH_FAILED;
            };
            var rule = output.map(OutputStatus::getRule).map(r -> " (" + r + ")").orElse("");
            var said = output.map(OutputStatus::getMessage).map(m -> ": " + m).orElse("");
            var what = switch (reason) {
                case Reasons.PUBLISH_REFUSED -> "publish refused the change" + rule + said
                        + "; nothing was pushed, the work stays on the workspace volume";
                case Reasons.PULL_REQUEST_FAILED -> "the work was pushed, but the pull request could not be opened"
                        + said;
                default -> "publish failed" + rule + said + " (container " + AgentJobBuilder.PUBLISH_CONTAINER
                        + " exited with code " + t.getExitCode() + ")";
            };
            return new Failure(reason, what, t.getExitCode());
        });
    }

    /** The agent's failure, named after what stopped the CLI when its result says (a guardrail, an API error). */
    private static Failure agentFailure(int exitCode, Optional<RunResult> result) {
        var stop = result.map(RunResult::getStopReason).orElse(null);
        var reason = stop == null ? Reasons.AGENT_FAILED
                : stop.contains("max_turns") ? Reasons.MAX_TURNS_EXCEEDED
                : stop.contains("budget") ? Reasons.MAX_BUDGET_EXCEEDED : Reasons.AGENT_FAILED;
        var why = stop == null ? "" : " (" + stop + result.map(RunResult::getApiErrorStatus)
                .map(s -> ", API status " + s).orElse("") + ")";
        return new Failure(reason, "container " + AgentJobBuilder.AGENT_CONTAINER + " failed with exit code "
                + exitCode + why, exitCode);
    }

    /**
     * With publishOn Always the agent's container ends successfully whatever the CLI did; its message says how the
     * CLI really ended.
     */
    private static Optional<Failure> agentFailedBeforePublishing(Optional<Pod> pod) {
        var message = pod.flatMap(p -> anyContainerStatus(p, AgentJobBuilder.AGENT_CONTAINER))
                .map(PhaseDeriver::terminated).map(ContainerStateTerminated::getMessage);
        var result = message.flatMap(AgentResults::parse);
        var exitCode = message.flatMap(AgentResults::exitCode).orElse(0);
        if (exitCode == 0 && !result.map(r -> Boolean.TRUE.equals(r.getIsError())).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(agentFailure(exitCode, result));
    }

    private static String stopReason(Optional<Pod> pod) {
        return agentResult(pod).map(RunResult::getStopReason).orElse(null);
    }

    /** The agent's result, from its termination message, once its container has ended. */
    static Optional<RunResult> agentResult(Optional<Pod> pod) {
        return pod.flatMap(p -> anyContainerStatus(p, AgentJobBuilder.AGENT_CONTAINER)).map(PhaseDeriver::terminated)
                .flatMap(t -> AgentResults.parse(t.getMessage()));
    }

    /** What the publish container reported, once it has ended (successfully or not). */
    static Optional<OutputStatus> publishOutput(Optional<Pod> pod) {
        return pod.flatMap(p -> anyContainerStatus(p, AgentJobBuilder.PUBLISH_CONTAINER)).map(PhaseDeriver::terminated)
                .flatMap(t -> PublishResults.parse(t.getMessage()));
    }

    private static ContainerStateTerminated terminated(ContainerStatus status) {
        return status.getState() == null ? null : status.getState().getTerminated();
    }

    /** A container of the pod, whether it runs as an init container or as a main one. */
    private static Optional<ContainerStatus> anyContainerStatus(Pod pod, String name) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        return containerStatus(pod.getStatus().getInitContainerStatuses(), name)
                .or(() -> containerStatus(pod.getStatus().getContainerStatuses(), name));
    }

    private static String reason(ContainerStateTerminated t) {
        return t.getReason() == null ? "" : " (" + t.getReason() + ")";
    }

    private static Optional<ContainerStateTerminated> terminatedWithError(List<ContainerStatus> statuses,
            String name) {
        return containerStatus(statuses, name)
                .map(c -> c.getState() == null ? null : c.getState().getTerminated())
                .filter(t -> t.getExitCode() != null && t.getExitCode() != 0);
    }

    private static String details(ContainerStateTerminated t) {
        var reason = t.getReason() == null ? "" : " (" + t.getReason() + ")";
        var message = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip();
        return reason + message;
    }

    private static Optional<ContainerStatus> containerStatus(List<ContainerStatus> statuses, String name) {
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream().filter(c -> name.equals(c.getName())).findFirst();
    }

    private static Optional<JobCondition> jobCondition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static Optional<PodCondition> podCondition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static Optional<Pod> newest(List<Pod> pods) {
        return pods.stream().filter(Objects::nonNull).max(Comparator.comparing(
                (Pod p) -> Optional.ofNullable(p.getMetadata().getCreationTimestamp()).orElse(""))
                .thenComparing(p -> p.getMetadata().getName()));
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    private static String describe(JobCondition condition) {
        return firstSet(condition.getMessage(), condition.getReason(), "no reason given");
    }

    private static String firstSet(String... values) {
        for (var value : values) {
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }
}
