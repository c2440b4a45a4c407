package com.xonovex.agentoperator.status;

import java.time.Duration;

import com.xonovex.agentoperator.api.OutputStatus;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.RunResult;

/**
 * What the Job and its pod say about a run.
 *
 * @param reason CamelCase reason of the phase (see {@link Reasons}), for conditions and events
 * @param exitCode the failing container's exit code, 0 on success, null while running or when no container exited
 * @param recheckAfter when to look again although nothing may change in the cluster (a grace period running out);
 *        null when the next watch event is enough
 */
public record Observation(Phase phase, String reason, String message, Integer exitCode, String podName,
        String startTime, String completionTime, Duration recheckAfter, OutputStatus output, RunResult result) {

    public Observation(Phase phase, String reason, String message, Integer exitCode, String podName,
            String startTime, String completionTime) {
        this(phase, reason, message, exitCode, podName, startTime, completionTime, null, null, null);
    }

    public Observation(Phase phase, String reason, String message, Integer exitCode, String podName,
            String startTime, String completionTime, Duration recheckAfter) {
        this(phase, reason, message, exitCode, podName, startTime, completionTime, recheckAfter, null, null);
    }

    /** The same observation with what the publish step reported. */
    public Observation withOutput(java.util.Optional<OutputStatus> reported) {
        return new Observation(phase, reason, message, exitCode, podName, startTime, completionTime, recheckAfter,
                reported.orElse(output), result);
    }

    /** The same observation with the agent's result. */
    public Observation withResult(java.util.Optional<RunResult> reported) {
        return new Observation(phase, reason, message, exitCode, podName, startTime, completionTime, recheckAfter,
                output, reported.orElse(result));
    }
}
