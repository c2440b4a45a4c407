package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;

class ChildNamesTest {
    private static AgentRun run(String name, String uid) {
        var run = Fixtures.run(name, AgentType.CLAUDE);
        run.getMetadata().setUid(uid);
        return run;
    }

    @Test
    void aShortRunNameIsItsJobsNameAndTheVolumeAndPromptCarryTheUid() {
        var names = ChildNames.of(run("fix-auth-bug", "6c1a9f2e-0000-4000-8000-000000000001"));
        assertThat(names.job()).isEqualTo("fix-auth-bug");
        assertThat(names.workspaceClaim()).matches("fix-auth-bug-[0-9a-f]{8}-workspace");
        assertThat(names.promptConfigMap()).matches("fix-auth-bug-[0-9a-f]{8}-prompt");
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 44, 45, 53, 54, 63, 64, 100, 253 })
    void everyChildNameFitsALabelValueWhateverTheRunNameLength(int length) {
        var names = ChildNames.of(run("a".repeat(length - 1) + "z", "uid-1"));
        for (var child : new String[] { names.job(), names.workspaceClaim(), names.promptConfigMap() }) {
            assertThat(child).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        }
    }

    /** The example: the long name's cut-and-hash once equalled the other run's literal name. */
    @Test
    void aLongNameAndALiteralNameThatLooksLikeItsCutGetDifferentChildren() {
        var longRun = run("nightly-refactor-of-the-payments-service-module-for-team-a", "uid-long");
        var looksAlike = run("nightly-refactor-of-the-payments-service-mod-d01d0039", "uid-alike");
        var a = ChildNames.of(longRun);
        var b = ChildNames.of(looksAlike);
        assertThat(a.workspaceClaim()).isNotEqualTo(b.workspaceClaim());
        assertThat(a.promptConfigMap()).isNotEqualTo(b.promptConfigMap());
    }

    @Test
    void aRunCreatedAgainUnderItsNameGetsNewVolumeAndPromptNames() {
        var first = ChildNames.of(run("fix-auth-bug", "11111111-1111-4111-8111-111111111111"));
        var again = ChildNames.of(run("fix-auth-bug", "22222222-2222-4222-8222-222222222222"));
        assertThat(again.job()).isEqualTo(first.job());
        assertThat(again.workspaceClaim()).isNotEqualTo(first.workspaceClaim());
        assertThat(again.promptConfigMap()).isNotEqualTo(first.promptConfigMap());
    }

    @Test
    void longNamesWithTheSamePrefixGetDistinctDeterministicJobNames() {
        var prefix = "x".repeat(70);
        var one = ChildNames.of(run(prefix + "-one", "uid-one"));
        assertThat(one.job()).isNotEqualTo(ChildNames.of(run(prefix + "-two", "uid-two")).job());
        assertThat(one).isEqualTo(ChildNames.of(run(prefix + "-one", "uid-one")));
    }

    @Test
    void aCutNeverLeavesADashOrDotBeforeTheUidPart() {
        var names = ChildNames.of(run("a".repeat(53) + "-.-" + "b".repeat(20), "uid"));
        assertThat(names.job()).doesNotContain("--").doesNotContain(".-");
        assertThat(names.workspaceClaim()).doesNotContain("--").doesNotContain(".-");
    }
}
