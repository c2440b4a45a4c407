package com.xonovex.agentoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.Phase;

class RunStatusesTest {
    private static final String NOW = "2026-11-28T10:05:00Z";

    private static AgentRun runIn(Phase phase) {
        var run = new AgentRun();
        run.getMetadata().setName("fix");
        run.getMetadata().setGeneration(1L);
        var status = new AgentRunStatus();
        status.setPhase(phase);
        status.setJobName("fix");
        status.setPodName("fix-abcde");
        status.setMessage("the agent is running");
        run.setStatus(status);
        return run;
    }

    private static Observation observed(Phase phase, String reason) {
        return new Observation(phase, reason, "observed " + reason, null, null, "2026-11-28T10:00:00Z", null);
    }

    /** Found by the e2e tests: at the deadline the Job controller deletes the pod before it fails the Job. */
    @Test
    void aRunningRunDoesNotGoBackToPendingWhenItsPodIsDeleted() {
        var run = runIn(Phase.RUNNING);
        var next = RunStatuses.observed(run, observed(Phase.PENDING, "WaitingForPod"), "claude", "fix",
                "fix-workspace", NOW);
        assertThat(next).isEqualTo(run.getStatus());
    }

    @Test
    void aRunningRunDoesNotGoBackToInitializing() {
        var run = runIn(Phase.RUNNING);
        var next = RunStatuses.observed(run, observed(Phase.INITIALIZING, "PodScheduled"), "claude", "fix",
                "fix-workspace", NOW);
        assertThat(next.getPhase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void phasesStillMoveForward() {
        var run = runIn(Phase.INITIALIZING);
        assertThat(RunStatuses.observed(run, observed(Phase.RUNNING, "AgentStarted"), "claude", "fix",
                "fix-workspace", NOW).getPhase()).isEqualTo(Phase.RUNNING);
        var timedOut = new Observation(Phase.TIMED_OUT, "DeadlineExceeded", "too slow", null, null, null, NOW);
        assertThat(RunStatuses.observed(runIn(Phase.RUNNING), timedOut, "claude", "fix", "fix-workspace", NOW)
                .getPhase()).isEqualTo(Phase.TIMED_OUT);
    }
}
