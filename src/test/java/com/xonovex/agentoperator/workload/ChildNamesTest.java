package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChildNamesTest {
    @Test
    void shortRunNamesAreUsedAsTheyAre() {
        assertThat(ChildNames.job("fix-auth-bug")).isEqualTo("fix-auth-bug");
        assertThat(ChildNames.workspacePvc("fix-auth-bug")).isEqualTo("fix-auth-bug-workspace");
        assertThat(ChildNames.promptConfigMap("fix-auth-bug")).isEqualTo("fix-auth-bug-prompt");
        assertThat(ChildNames.labelValue("fix-auth-bug")).isEqualTo("fix-auth-bug");
    }

    @ParameterizedTest
    @ValueSource(ints = { 53, 54, 63, 64, 100, 253 })
    void everyChildNameFitsALabelValueWhateverTheRunNameLength(int length) {
        var name = "a".repeat(length - 1) + "z";
        for (var child : new String[] { ChildNames.job(name), ChildNames.workspacePvc(name),
                ChildNames.promptConfigMap(name), ChildNames.labelValue(name) }) {
            assertThat(child).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        }
    }

    @Test
    void longNamesWithTheSamePrefixGetDistinctDeterministicNames() {
        var prefix = "x".repeat(70);
        assertThat(ChildNames.job(prefix + "-one")).isNotEqualTo(ChildNames.job(prefix + "-two"));
        assertThat(ChildNames.job(prefix + "-one")).isEqualTo(ChildNames.job(prefix + "-one"));
        assertThat(ChildNames.workspacePvc(prefix + "-one")).isNotEqualTo(ChildNames.workspacePvc(prefix + "-two"));
    }

    @Test
    void aCutNeverLeavesADashOrDotBeforeTheHash() {
        var name = "a".repeat(53) + "-.-" + "b".repeat(20);
        assertThat(ChildNames.job(name)).doesNotContain("--").doesNotContain(".-");
    }
}
