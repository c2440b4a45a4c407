package com.xonovex.agentoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConditionsTest {
    @Test
    void lastTransitionTimeIsKeptWhileTheStatusStaysTheSame() {
        var first = Conditions.set(List.of(), "Resolved", false, "SecretNotFound", "a", 1L, "T1");
        var second = Conditions.set(first, "Resolved", false, "SecretKeyNotFound", "b", 2L, "T2");
        assertThat(second).singleElement().satisfies(c -> {
            assertThat(c.getLastTransitionTime()).isEqualTo("T1");
            assertThat(c.getReason()).isEqualTo("SecretKeyNotFound");
            assertThat(c.getMessage()).isEqualTo("b");
            assertThat(c.getObservedGeneration()).isEqualTo(2L);
        });
    }

    @Test
    void lastTransitionTimeMovesWhenTheStatusChanges() {
        var first = Conditions.set(List.of(), "Resolved", false, "SecretNotFound", "a", 1L, "T1");
        var second = Conditions.set(first, "Resolved", true, "JobCreated", "b", 1L, "T2");
        assertThat(second).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getLastTransitionTime()).isEqualTo("T2");
        });
    }

    @Test
    void otherConditionsAreLeftAlone() {
        var first = Conditions.set(List.of(), "Resolved", true, "JobCreated", "a", 1L, "T1");
        var second = Conditions.set(first, "PodScheduled", true, "PodScheduled", "b", 1L, "T2");
        assertThat(second).extracting("type").containsExactly("Resolved", "PodScheduled");
        assertThat(second.get(0)).isEqualTo(first.get(0));
    }
}
