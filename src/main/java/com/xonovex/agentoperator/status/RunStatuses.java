package com.xonovex.agentoperator.status;

import java.util.ArrayList;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.resolve.Resolution;

/** Computes a run's next status from what the reconciler learned. Pure; the reconciler writes only on change. */
public final class RunStatuses {
    public static final String RESOLVED = "Resolved";
    public static final String POD_SCHEDULED = "PodScheduled";
    public static final String AGENT_STARTED = "AgentStarted";
    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";

    private RunStatuses() {
    }

    /** Waiting for a provider, Secret or setting: Pending, with the reason on the Resolved condition. */
    public static AgentRunStatus blocked(AgentRun run, Resolution.Blocked blocked, String agent, String now) {
        var status = copyOf(run);
        status.setPhase(Phase.PENDING);
        status.setAgent(agent);
        status.setMessage(blocked.message());
        status.setConditions(Conditions.set(status.getConditions(), RESOLVED, false, blocked.reason(),
                blocked.message(), generation(run), now));
        status.setObservedGeneration(generation(run));
        return status;
    }

    /** The workspace, prompt and Job were just created; the pod is not there yet. */
    public static AgentRunStatus created(AgentRun run, String agent, String jobName, String pvcName, String now) {
        var status = copyOf(run);
        status.setPhase(Phase.PENDING);
        status.setAgent(agent);
        status.setJobName(jobName);
        status.setWorkspacePVC(pvcName);
        status.setMessage("created Job " + jobName);
        status.setConditions(Conditions.set(status.getConditions(), RESOLVED, true, "JobCreated",
                "provider and settings resolved; created Job " + jobName, generation(run), now));
        status.setObservedGeneration(generation(run));
        return status;
    }

    /** A run that failed before its Job could exist (for example, the server refused the Job). */
    public static AgentRunStatus failedBeforeStart(AgentRun run, String agent, String reason, String message,
            String now) {
        var status = copyOf(run);
        status.setPhase(Phase.FAILED);
        status.setAgent(agent);
        status.setMessage(message);
        status.setCompletionTime(now);
        status.setConditions(Conditions.set(status.getConditions(), FAILED, true, reason, message, generation(run),
                now));
        status.setObservedGeneration(generation(run));
        return status;
    }

    public static AgentRunStatus observed(AgentRun run, Observation observation, String agent, String jobName,
            String pvcName, String now) {
        var current = run.getStatus() == null ? null : run.getStatus().getPhase();
        if (current != null && !observation.phase().isTerminal() && observation.phase().ordinal() < current.ordinal()) {
            // Phases only move forward. When the deadline passes the Job controller deletes the pod before it sets
            // the Job's Failed condition: for a moment the Job has no pod, which is not "waiting for a pod again".
            return copyOf(run);
        }
        var status = copyOf(run);
        var phase = observation.phase();
        status.setPhase(phase);
        status.setAgent(agent);
        status.setJobName(jobName);
        status.setWorkspacePVC(pvcName);
        status.setMessage(observation.message());
        if (observation.podName() != null) {
            status.setPodName(observation.podName());
        }
        if (observation.startTime() != null) {
            status.setStartTime(observation.startTime());
        }
        if (phase.isTerminal()) {
            status.setCompletionTime(observation.completionTime() != null ? observation.completionTime() : now);
            status.setExitCode(observation.exitCode());
        }
        var generation = generation(run);
        var conditions = Conditions.set(status.getConditions(), RESOLVED, true, "JobCreated",
                "provider and settings resolved; created Job " + jobName, generation, now);
        if (phase == Phase.PENDING && "PodNotScheduled".equals(observation.reason())) {
            conditions = Conditions.set(conditions, POD_SCHEDULED, false, observation.reason(),
                    observation.message(), generation, now);
        }
        if (phase == Phase.INITIALIZING || phase == Phase.RUNNING || phase == Phase.SUCCEEDED) {
            conditions = Conditions.set(conditions, POD_SCHEDULED, true, "PodScheduled",
                    "pod " + observation.podName() + " is scheduled", generation, now);
        }
        if (phase == Phase.RUNNING || phase == Phase.SUCCEEDED) {
            conditions = Conditions.set(conditions, AGENT_STARTED, true, "AgentStarted",
                    "container agent started", generation, now);
        }
        if (phase == Phase.SUCCEEDED) {
            conditions = Conditions.set(conditions, COMPLETE, true, observation.reason(), observation.message(),
                    generation, now);
        }
        if (phase == Phase.FAILED || phase == Phase.TIMED_OUT) {
            conditions = Conditions.set(conditions, FAILED, true, observation.reason(), observation.message(),
                    generation, now);
        }
        status.setConditions(conditions);
        status.setObservedGeneration(generation);
        return status;
    }

    private static AgentRunStatus copyOf(AgentRun run) {
        var current = run.getStatus();
        var copy = new AgentRunStatus();
        if (current == null) {
            return copy;
        }
        copy.setPhase(current.getPhase());
        copy.setAgent(current.getAgent());
        copy.setConditions(new ArrayList<>(current.getConditions()));
        copy.setJobName(current.getJobName());
        copy.setPodName(current.getPodName());
        copy.setWorkspacePVC(current.getWorkspacePVC());
        copy.setStartTime(current.getStartTime());
        copy.setCompletionTime(current.getCompletionTime());
        copy.setExitCode(current.getExitCode());
        copy.setMessage(current.getMessage());
        copy.setObservedGeneration(current.getObservedGeneration());
        return copy;
    }

    private static Long generation(AgentRun run) {
        return run.getMetadata().getGeneration();
    }
}
