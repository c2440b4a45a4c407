package com.xonovex.agentoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.ChildNames;

class RunStatusesTest {
    private static final String NOW = "2026-11-28T10:05:00Z";
    private static final ChildNames NAMES = new ChildNames("fix", "fix-0a1b2c3d-workspace", "fix-0a1b2c3d-prompt");

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
        var next = RunStatuses.observed(run, observed(Phase.PENDING, "WaitingForPod"), AgentType.CLAUDE, NAMES, NOW);
        assertThat(next).isEqualTo(run.getStatus());
    }

    @Test
    void aRunningRunDoesNotGoBackToInitializing() {
        var run = runIn(Phase.RUNNING);
        var next = RunStatuses.observed(run, observed(Phase.INITIALIZING, "PodScheduled"), AgentType.CLAUDE, NAMES, NOW);
        assertThat(next.getPhase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void phasesStillMoveForward() {
        var run = runIn(Phase.INITIALIZING);
        assertThat(RunStatuses.observed(run, observed(Phase.RUNNING, "AgentStarted"), AgentType.CLAUDE, NAMES, NOW).getPhase()).isEqualTo(Phase.RUNNING);
        var timedOut = new Observation(Phase.TIMED_OUT, "DeadlineExceeded", "too slow", null, null, null, NOW);
        assertThat(RunStatuses.observed(runIn(Phase.RUNNING), timedOut, AgentType.CLAUDE, NAMES, NOW)
                .getPhase()).isEqualTo(Phase.TIMED_OUT);
    }

    @Test
    void aStartedRunIsNeverSetBackToStartedOrWaitingOnceItHasMovedOn() {
        var run = runIn(Phase.RUNNING);
        assertThat(RunStatuses.started(run, AgentType.CLAUDE, "gemini-provider", NAMES, NOW)).isEqualTo(run.getStatus());
        assertThat(RunStatuses.waiting(run, AgentType.CLAUDE, Reasons.QUOTA_EXCEEDED, "quota", NOW))
                .isEqualTo(run.getStatus());
    }

    @Test
    void aTerminalRunNeverChangesOnAnyPath() {
        var run = runIn(Phase.SUCCEEDED);
        assertThat(RunStatuses.failed(run, AgentType.CLAUDE, Reasons.JOB_DELETED, "gone", NOW))
                .isEqualTo(run.getStatus());
        assertThat(RunStatuses.observed(run, observed(Phase.FAILED, "AgentFailed"), AgentType.CLAUDE, NAMES, NOW))
                .isEqualTo(run.getStatus());
    }

    @Test
    void startingRecordsTheNamesAndMarksTheRunStarted() {
        var run = new AgentRun();
        run.getMetadata().setName("fix");
        run.getMetadata().setGeneration(1L);
        assertThat(RunStatuses.isStarted(run)).isFalse();
        run.setStatus(RunStatuses.started(run, AgentType.CLAUDE, "gemini-provider", NAMES, NOW));
        assertThat(RunStatuses.isStarted(run)).isTrue();
        assertThat(run.getStatus().getJobName()).isEqualTo("fix");
        assertThat(run.getStatus().getWorkspaceClaimName()).isEqualTo(NAMES.workspaceClaim());
        assertThat(run.getStatus().getPromptConfigMapName()).isEqualTo(NAMES.promptConfigMap());
        assertThat(run.getStatus().getPhase()).isEqualTo(Phase.PENDING);
    }

    /** One status write at creation, not two ("created Job", then at once "the Job has not started a pod yet"). */
    @Test
    void aJobWithoutPodRightAfterTheStartChangesNothing() {
        var run = new AgentRun();
        run.getMetadata().setName("fix");
        run.getMetadata().setGeneration(1L);
        run.setStatus(RunStatuses.started(run, AgentType.CLAUDE, "gemini-provider", NAMES, NOW));
        var next = RunStatuses.observed(run, observed(Phase.PENDING, Reasons.WAITING_FOR_POD), AgentType.CLAUDE,
                NAMES, "2026-11-28T10:05:01Z");
        assertThat(next).isEqualTo(run.getStatus());
    }

    @Test
    void aReconcileErrorKeepsThePhaseAndIsClearedByTheNextSuccess() {
        var run = runIn(Phase.INITIALIZING);
        var failing = RunStatuses.reconcileError(run, "Forbidden", "the API server answered 403: no", false, NOW);
        assertThat(failing.getPhase()).isEqualTo(Phase.INITIALIZING);
        assertThat(Conditions.isTrue(failing.getConditions(), Reasons.RECONCILE_ERROR)).isTrue();
        run.setStatus(failing);
        var recovered = RunStatuses.observed(run, observed(Phase.RUNNING, Reasons.STARTED), AgentType.CLAUDE, NAMES,
                NOW);
        assertThat(recovered.getPhase()).isEqualTo(Phase.RUNNING);
        assertThat(recovered.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(Reasons.RECONCILE_ERROR);
            assertThat(c.getStatus()).isEqualTo("False");
        });
    }

    @Test
    void aQuotaRefusalKeepsTheRunPendingWithReasonQuotaExceeded() {
        var run = new AgentRun();
        run.getMetadata().setName("fix");
        run.getMetadata().setGeneration(1L);
        var next = RunStatuses.reconcileError(run, Reasons.QUOTA_EXCEEDED, "exceeded quota: pvcs", true, NOW);
        assertThat(next.getPhase()).isEqualTo(Phase.PENDING);
        assertThat(Conditions.reason(next.getConditions(), Reasons.RESOLVED)).isEqualTo(Reasons.QUOTA_EXCEEDED);
        assertThat(next.getMessage()).contains("exceeded quota");
        assertThat(Conditions.isTrue(next.getConditions(), Reasons.RECONCILE_ERROR)).isFalse();
    }

    @Test
    void guardrailsTheAgentCannotEnforceAreSaidOnACondition() {
        var run = new AgentRun();
        run.getMetadata().setName("fix");
        run.getMetadata().setGeneration(1L);
        var opencode = RunStatuses.started(run, AgentType.OPENCODE, "p", NAMES, java.util.List.of("maxTurns"),
                java.util.List.of("maxTurns"), NOW);
        assertThat(opencode.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("GuardrailsEnforced");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("NotSupportedByAgent");
            assertThat(c.getMessage()).contains("opencode cannot enforce maxTurns");
        });
        var claude = RunStatuses.started(run, AgentType.CLAUDE, "p", NAMES, java.util.List.of("maxTurns",
                "maxBudgetUSD"), java.util.List.of(), NOW);
        assertThat(Conditions.isTrue(claude.getConditions(), "GuardrailsEnforced")).isTrue();
        var none = RunStatuses.started(run, AgentType.CLAUDE, "p", NAMES, NOW);
        assertThat(none.getConditions()).noneMatch(c -> c.getType().equals("GuardrailsEnforced"));
    }
}
