package com.xonovex.agentoperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhaseTest {
    @Test
    void phasesMoveOnlyForwardAlongTheLifecycle() {
        assertThat(Phase.PENDING.mayMoveTo(Phase.INITIALIZING)).isTrue();
        assertThat(Phase.PENDING.mayMoveTo(Phase.FAILED)).isTrue();
        assertThat(Phase.INITIALIZING.mayMoveTo(Phase.RUNNING)).isTrue();
        assertThat(Phase.RUNNING.mayMoveTo(Phase.TIMED_OUT)).isTrue();
        assertThat(Phase.RUNNING.mayMoveTo(Phase.RUNNING)).isTrue();
        assertThat(Phase.RUNNING.mayMoveTo(Phase.INITIALIZING)).isFalse();
        assertThat(Phase.INITIALIZING.mayMoveTo(Phase.PENDING)).isFalse();
    }

    @Test
    void aTerminalPhaseMovesNowhereNotEvenToAnotherTerminalPhase() {
        for (var terminal : new Phase[] { Phase.SUCCEEDED, Phase.FAILED, Phase.TIMED_OUT }) {
            for (var next : Phase.values()) {
                assertThat(terminal.mayMoveTo(next)).as("%s -> %s", terminal, next).isFalse();
            }
        }
    }
}
