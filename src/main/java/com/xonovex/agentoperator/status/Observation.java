package com.xonovex.agentoperator.status;

import com.xonovex.agentoperator.api.Phase;

/**
 * What the Job and its pod say about a run.
 *
 * @param reason CamelCase reason of the phase, for conditions and events
 * @param exitCode the failing container's exit code, 0 on success, null while running
 */
public record Observation(Phase phase, String reason, String message, Integer exitCode, String podName,
        String startTime, String completionTime) {
}
