package com.xonovex.agentoperator.status;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.AgentJobBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/**
 * Derives a run's phase from its Job and pod, as the Job controller and kubelet report them. Terminal phases come
 * only from the Job's own conditions (the Job controller is the authority on success, failure and deadline); the pod
 * explains why and gives the exit code.
 */
public final class PhaseDeriver {
    private PhaseDeriver() {
    }

    public static Observation observe(Job job, List<Pod> pods) {
        var pod = newest(pods);
        var podName = pod.map(p -> p.getMetadata().getName()).orElse(null);
        var status = job.getStatus();
        var startTime = status == null ? null : status.getStartTime();

        var failed = jobCondition(job, "Failed");
        if (failed.isPresent()) {
            var condition = failed.get();
            var time = firstSet(condition.getLastTransitionTime(), status.getCompletionTime());
            if ("DeadlineExceeded".equals(condition.getReason())) {
                return new Observation(Phase.TIMED_OUT, "DeadlineExceeded", "the run exceeded its timeout of "
                        + job.getSpec().getActiveDeadlineSeconds() + "s and was stopped", null, podName, startTime,
                        time);
            }
            var failure = pod.flatMap(PhaseDeriver::containerFailure);
            if (failure.isPresent()) {
                var f = failure.get();
                return new Observation(Phase.FAILED, f.reason(), f.message(), f.exitCode(), podName, startTime, time);
            }
            return new Observation(Phase.FAILED, "JobFailed", "the Job failed: " + describe(condition), null, podName,
                    startTime, time);
        }
        var complete = jobCondition(job, "Complete");
        if (complete.isPresent()) {
            var time = firstSet(status.getCompletionTime(), complete.get().getLastTransitionTime());
            return new Observation(Phase.SUCCEEDED, "Completed", "the agent finished successfully", 0, podName,
                    startTime, time);
        }
        if (pod.isEmpty()) {
            return new Observation(Phase.PENDING, "WaitingForPod", "the Job has not started a pod yet", null, null,
                    startTime, null);
        }
        var p = pod.get();
        var scheduled = podCondition(p, "PodScheduled");
        if (scheduled.isEmpty() || !"True".equals(scheduled.get().getStatus())) {
            var why = scheduled.map(c -> ": " + firstSet(c.getMessage(), c.getReason(), "")).orElse("");
            return new Observation(Phase.PENDING, "PodNotScheduled", "the pod is waiting to be scheduled" + why, null,
                    podName, startTime, null);
        }
        var agent = containerStatus(p.getStatus() == null ? null : p.getStatus().getContainerStatuses(),
                AgentJobBuilder.AGENT_CONTAINER);
        boolean agentStarted = agent.map(c -> c.getState() != null
                && (c.getState().getRunning() != null || c.getState().getTerminated() != null)).orElse(false);
        if (agentStarted) {
            return new Observation(Phase.RUNNING, "AgentStarted", "the agent is running", null, podName, startTime,
                    null);
        }
        return new Observation(Phase.INITIALIZING, "PodScheduled",
                "the pod is scheduled; cloning the repository", null, podName, startTime, null);
    }

    private record Failure(String reason, String message, int exitCode) {
    }

    /** The first container that terminated with a non-zero code: the init container first, then the agent. */
    private static Optional<Failure> containerFailure(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        var clone = terminatedWithError(pod.getStatus().getInitContainerStatuses(), AgentJobBuilder.CLONE_CONTAINER);
        if (clone.isPresent()) {
            var t = clone.get();
            return Optional.of(new Failure("InitContainerFailed", "init container " + AgentJobBuilder.CLONE_CONTAINER
                    + " failed with exit code " + t.getExitCode() + details(t), t.getExitCode()));
        }
        var agent = terminatedWithError(pod.getStatus().getContainerStatuses(), AgentJobBuilder.AGENT_CONTAINER);
        return agent.map(t -> new Failure("AgentFailed", "container " + AgentJobBuilder.AGENT_CONTAINER
                + " failed with exit code " + t.getExitCode() + details(t), t.getExitCode()));
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
