package com.xonovex.agentoperator.status;

import java.util.ArrayList;

import java.util.List;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.resolve.Resolution;
import com.xonovex.agentoperator.workload.ChildNames;

/**
 * Computes a run's next status from what the reconciler learned. Pure; the reconciler writes only on change. Every
 * path goes through one rule: a phase only moves forward ({@link Phase#mayMoveTo}); a status that would move it
 * back is dropped and the current one kept.
 */
public final class RunStatuses {
    private RunStatuses() {
    }

    /** Waiting for a provider, Secret or setting (or a quota): Pending, with the reason on the Resolved condition. */
    public static AgentRunStatus blocked(AgentRun run, Resolution.Blocked blocked, AgentType agent, String now) {
        return waiting(run, agent, blocked.reason(), blocked.message(), now);
    }

    public static AgentRunStatus waiting(AgentRun run, AgentType agent, String reason, String message, String now) {
        var status = next(run, Phase.PENDING);
        if (status == null) {
            return copyOf(run);
        }
        status.setAgent(agent);
        status.setMessage(message);
        status.setConditions(Conditions.set(status.getConditions(), Reasons.RESOLVED, false, reason, message,
                generation(run), now));
        return succeeded(run, status, now);
    }

    /**
     * The workspace, prompt and Job were just created: from now on the run counts as started (a Job that vanishes
     * ends it; it is never created again). The names are recorded, so users find the children.
     */
    public static AgentRunStatus started(AgentRun run, AgentType agent, String provider, ChildNames names,
            String now) {
        return started(run, agent, provider, names, List.of(), List.of(), now);
    }

    /**
     * @param requested the guardrails the run asked for (maxTurns, maxBudgetUSD)
     * @param unenforced those its agent's CLI cannot enforce: condition GuardrailsEnforced says so, not silence
     */
    public static AgentRunStatus started(AgentRun run, AgentType agent, String provider, ChildNames names,
            List<String> requested, List<String> unenforced, String now) {
        var status = next(run, Phase.PENDING);
        if (status == null) {
            return copyOf(run);
        }
        status.setAgent(agent);
        status.setProvider(provider);
        names.recordIn(status);
        status.setMessage("created Job " + names.job() + "; waiting for its pod");
        var conditions = Conditions.set(status.getConditions(), Reasons.RESOLVED, true, Reasons.JOB_CREATED,
                "provider and settings resolved; created Job " + names.job(), generation(run), now);
        if (!requested.isEmpty()) {
            conditions = unenforced.isEmpty()
                    ? Conditions.set(conditions, Reasons.GUARDRAILS_ENFORCED, true, Reasons.ENFORCED,
                            agent.value() + " enforces " + String.join(", ", requested), generation(run), now)
                    : Conditions.set(conditions, Reasons.GUARDRAILS_ENFORCED, false, Reasons.NOT_SUPPORTED,
                            agent.value() + " cannot enforce " + String.join(", ", unenforced)
                                    + "; the run goes on without it, bounded only by its timeout",
                            generation(run), now);
        }
        status.setConditions(conditions);
        return succeeded(run, status, now);
    }

    /**
     * The user set spec.cancel: the run ends Cancelled (a started run's Job has been suspended, which stops its
     * pod). Its workspace stays.
     */
    public static AgentRunStatus cancelled(AgentRun run, boolean started, String now) {
        var status = next(run, Phase.CANCELLED);
        if (status == null) {
            return copyOf(run);
        }
        var message = started ? "cancelled by spec.cancel: the Job is suspended and its pod stopped; the workspace "
                + "and transcript stay until the run is deleted" : "cancelled by spec.cancel before it started";
        status.setMessage(message);
        status.setCompletionTime(now);
        status.setConditions(Conditions.set(status.getConditions(), Reasons.CANCELLED, true, Reasons.CANCEL_REQUESTED,
                message, generation(run), now));
        return succeeded(run, status, now);
    }

    /** Whether the run's Job was created: recorded in status, and what decides that it is never created again. */
    public static boolean isStarted(AgentRun run) {
        var status = run.getStatus();
        return status != null && status.getJobName() != null
                && Reasons.JOB_CREATED.equals(Conditions.reason(status.getConditions(), Reasons.RESOLVED));
    }

    /** A run that ends without its Job telling so: the server refused it, a name was taken, the Job vanished. */
    public static AgentRunStatus failed(AgentRun run, AgentType agent, String reason, String message, String now) {
        var status = next(run, Phase.FAILED);
        if (status == null) {
            return copyOf(run);
        }
        status.setAgent(agent);
        status.setMessage(message);
        status.setCompletionTime(now);
        status.setConditions(Conditions.set(status.getConditions(), Reasons.FAILED, true, reason, message,
                generation(run), now));
        return succeeded(run, status, now);
    }

    public static AgentRunStatus observed(AgentRun run, Observation observation, AgentType agent, ChildNames names,
            String now) {
        var phase = observation.phase();
        var current = run.getStatus() == null ? null : run.getStatus().getPhase();
        if (phase == Phase.PENDING && current == Phase.PENDING && isStarted(run)
                && Reasons.WAITING_FOR_POD.equals(observation.reason())) {
            // "created Job X; waiting for its pod" already says it: no second write right after the first
            return succeeded(run, copyOf(run), now);
        }
        var status = next(run, phase);
        if (status == null) {
            // Phases only move forward. When the deadline passes the Job controller deletes the pod before it
            // sets the Job's Failed condition: for a moment the Job has no pod, which is not "waiting again".
            return copyOf(run);
        }
        status.setAgent(agent);
        names.recordIn(status);
        status.setMessage(observation.message());
        if (observation.podName() != null) {
            status.setPodName(observation.podName());
        }
        if (observation.startTime() != null) {
            status.setStartTime(observation.startTime());
        }
        if (observation.output() != null) {
            status.setOutput(observation.output());
        }
        if (observation.result() != null) {
            status.setResult(observation.result());
        }
        if (phase.isTerminal()) {
            status.setCompletionTime(observation.completionTime() != null ? observation.completionTime() : now);
            status.setExitCode(observation.exitCode());
        }
        var generation = generation(run);
        var conditions = Conditions.set(status.getConditions(), Reasons.RESOLVED, true, Reasons.JOB_CREATED,
                "provider and settings resolved; created Job " + names.job(), generation, now);
        if (phase == Phase.PENDING && Reasons.POD_NOT_SCHEDULED.equals(observation.reason())) {
            conditions = Conditions.set(conditions, Reasons.POD_SCHEDULED, false, observation.reason(),
                    observation.message(), generation, now);
        }
        if (phase == Phase.INITIALIZING || phase == Phase.RUNNING || phase == Phase.SUCCEEDED) {
            conditions = Conditions.set(conditions, Reasons.POD_SCHEDULED, true, Reasons.SCHEDULED,
                    "pod " + observation.podName() + " is scheduled", generation, now);
        }
        if (phase == Phase.RUNNING || phase == Phase.SUCCEEDED) {
            conditions = Conditions.set(conditions, Reasons.AGENT_STARTED, true, Reasons.STARTED,
                    "container agent started", generation, now);
        }
        if (phase == Phase.SUCCEEDED) {
            conditions = Conditions.set(conditions, Reasons.COMPLETE, true, observation.reason(),
                    observation.message(), generation, now);
        }
        if (phase == Phase.FAILED || phase == Phase.TIMED_OUT) {
            conditions = Conditions.set(conditions, Reasons.FAILED, true, observation.reason(), observation.message(),
                    generation, now);
        }
        status.setConditions(conditions);
        return succeeded(run, status, now);
    }

    /**
     * A reconciliation failed and will be retried: the phase stays, condition ReconcileError says why. A quota that
     * refuses the run's children is a reason to wait, not an error: Pending, reason QuotaExceeded.
     */
    public static AgentRunStatus reconcileError(AgentRun run, String reason, String message, boolean quota,
            String now) {
        var status = copyOf(run);
        if (quota && (status.getPhase() == null || status.getPhase() == Phase.PENDING)) {
            status.setPhase(Phase.PENDING);
            status.setMessage(message);
            status.setConditions(Conditions.set(status.getConditions(), Reasons.RESOLVED, false,
                    Reasons.QUOTA_EXCEEDED, message, generation(run), now));
        } else {
            status.setConditions(Conditions.set(status.getConditions(), Reasons.RECONCILE_ERROR, true, reason,
                    message, generation(run), now));
        }
        status.setObservedGeneration(generation(run));
        return status;
    }

    /** A status to build on when the run may move to {@code phase}; null when that would move it back. */
    private static AgentRunStatus next(AgentRun run, Phase phase) {
        var current = run.getStatus() == null ? null : run.getStatus().getPhase();
        if (current != null && !current.mayMoveTo(phase)) {
            return null;
        }
        var status = copyOf(run);
        status.setPhase(phase);
        status.setObservedGeneration(generation(run));
        return status;
    }

    /** This reconciliation worked: a ReconcileError from an earlier one is over. */
    private static AgentRunStatus succeeded(AgentRun run, AgentRunStatus status, String now) {
        if (Conditions.isTrue(status.getConditions(), Reasons.RECONCILE_ERROR)) {
            status.setConditions(Conditions.set(status.getConditions(), Reasons.RECONCILE_ERROR, false,
                    "Reconciled", "the last reconciliation succeeded", generation(run), now));
        }
        return status;
    }

    static AgentRunStatus copyOf(AgentRun run) {
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
        copy.setWorkspaceClaimName(current.getWorkspaceClaimName());
        copy.setPromptConfigMapName(current.getPromptConfigMapName());
        copy.setStartTime(current.getStartTime());
        copy.setCompletionTime(current.getCompletionTime());
        copy.setExitCode(current.getExitCode());
        copy.setMessage(current.getMessage());
        copy.setProvider(current.getProvider());
        copy.setOutput(current.getOutput());
        copy.setResult(current.getResult());
        copy.setObservedGeneration(current.getObservedGeneration());
        return copy;
    }

    private static Long generation(AgentRun run) {
        return run.getMetadata().getGeneration();
    }
}
