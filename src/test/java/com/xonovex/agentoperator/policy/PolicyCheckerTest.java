package com.xonovex.agentoperator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.EnvPolicy;
import com.xonovex.agentoperator.api.ImagePolicy;
import com.xonovex.agentoperator.api.LimitPolicy;
import com.xonovex.agentoperator.api.SourcePolicy;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;

/** The operator's checks of an AgentPolicy: the shared cases (as the admission policy), then what only it sees. */
class PolicyCheckerTest {
    static List<PolicyCases> cases() {
        return PolicyCases.all();
    }

    /** The run as it resolves without an AgentConfig: its own values, else the operator's defaults. */
    private static PolicyInput input(PolicyCases c) {
        var spec = c.runSpecObject();
        return new PolicyInput(spec, spec.getImage() != null ? spec.getImage() : "example.com/agent-runner:test",
                spec.getTimeout() != null ? com.xonovex.agentoperator.resolve.Durations.parse(spec.getTimeout())
                        : Duration.ofHours(1),
                spec.getMaxBudgetUSD(), Set.of(), "ANTHROPIC_AUTH_TOKEN", Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseIsRefusedWithItsRuleAndMessageOrAccepted(PolicyCases c) {
        var violations = PolicyChecker.check(input(c), c.policySpec());
        if (c.refused()) {
            assertThat(violations).extracting(Violation::rule).containsExactly(c.rule());
            assertThat(violations.get(0).message()).isEqualTo(c.message());
        } else {
            assertThat(violations).isEmpty();
        }
    }

    @Test
    void theTableCoversEveryRule() {
        assertThat(PolicyCases.all()).extracting(PolicyCases::rule).contains("images.allowed",
                "images.requireDigest", "secrets.allowedNames", "env.allowValueFrom", "env.deniedNames",
                "sources.allowedURLs", "sources.allowInlineProvider", "limits.maxTimeout", "limits.maxBudgetUSD",
                "limits.maxCPU", "limits.maxMemory", "scheduling.allowedNodeSelectorKeys",
                "scheduling.allowedTolerationKeys");
    }

    @Test
    void withoutAPolicyNothingIsChecked() {
        var c = PolicyCases.all().get(0);
        assertThat(PolicyChecker.check(input(c), null)).isEmpty();
    }

    @Test
    void theResolvedImageAndTimeoutAreCheckedWhenTheRunSetsNone() {
        var noTimeout = new java.util.HashMap<String, Object>();
        noTimeout.put("timeout", null);
        var spec = new PolicyCases("", Map.of(), noTimeout, null, null).runSpecObject();
        var policy = new AgentPolicySpec();
        var images = new ImagePolicy();
        images.setAllowed(List.of("registry.example.com/*"));
        policy.setImages(images);
        var limits = new LimitPolicy();
        limits.setMaxTimeout("30m");
        policy.setLimits(limits);
        var input = new PolicyInput(spec, "example.com/agent-runner:test", Duration.ofHours(2), null, Set.of(),
                "ANTHROPIC_AUTH_TOKEN", Optional.empty());
        assertThat(PolicyChecker.check(input, policy)).extracting(Violation::message).containsExactly(
                "image example.com/agent-runner:test (the run's default) is not allowed by AgentPolicy default "
                        + "(images.allowed)",
                "timeout 7200s (the AgentConfig's defaultTimeout) is not allowed by AgentPolicy default "
                        + "(limits.maxTimeout)");
    }

    @Test
    void theProvidersKeysAndTokenVariableAreDeniedToo() {
        var spec = new PolicyCases("", Map.of(), Map.of(), null, null).runSpecObject();
        spec.setEnv(List.of(new EnvVarBuilder().withName("MODEL").withValue("x").build(),
                new EnvVarBuilder().withName("TOKEN").withValue("y").build(),
                new EnvVarBuilder().withName("OTHER").withValue("z").build()));
        var policy = new AgentPolicySpec();
        var env = new EnvPolicy();
        env.setDeniedNames(List.of());
        policy.setEnv(env);
        var input = new PolicyInput(spec, "img", Duration.ofHours(1), null, Set.of("MODEL"), "TOKEN",
                Optional.empty());
        assertThat(PolicyChecker.check(input, policy)).extracting(Violation::message).containsExactly(
                "spec.env MODEL, TOKEN (set by the run's provider) is not allowed by AgentPolicy default "
                        + "(env.deniedNames)");
    }

    @Test
    void theDefaultForgeApiIsCheckedAndARunWithoutBudgetIsRefusedUnderAMaximum() {
        var spec = new PolicyCases("", Map.of(), Map.of(), null, null).runSpecObject();
        var policy = new AgentPolicySpec();
        var sources = new SourcePolicy();
        sources.setAllowedURLs(List.of("https://github.com/org/*"));
        policy.setSources(sources);
        var limits = new LimitPolicy();
        limits.setMaxBudgetUSD("5");
        policy.setLimits(limits);
        var input = new PolicyInput(spec, "img", Duration.ofHours(1), null, Set.of(), "T",
                Optional.of("https://api.github.com"));
        assertThat(PolicyChecker.check(input, policy)).extracting(Violation::rule)
                .containsExactly("sources.allowedURLs", "limits.maxBudgetUSD");
    }

    @Test
    void patternsMatchExactlyByPrefixOrBySuffix() {
        assertThat(Patterns.matches("a/b", "a/b")).isTrue();
        assertThat(Patterns.matches("a/bc", "a/b")).isFalse();
        assertThat(Patterns.matches("a/bc", "a/*")).isTrue();
        assertThat(Patterns.matches("HTTPS_PROXY", "*_PROXY")).isTrue();
        assertThat(Patterns.matches("anything", "*")).isTrue();
        assertThat(Patterns.matches("b/a", "a/*")).isFalse();
    }
}
