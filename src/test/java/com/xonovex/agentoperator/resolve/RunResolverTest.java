package com.xonovex.agentoperator.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentPolicy;
import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentProviderSpec;
import com.xonovex.agentoperator.api.AgentProviderStatus;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.InlineProvider;
import com.xonovex.agentoperator.api.LimitPolicy;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.api.SecretRef;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

class RunResolverTest {
    private final Map<String, AgentProvider> providers = new HashMap<>();
    private final Map<String, Secret> secrets = new HashMap<>();
    private final List<AgentConfig> configs = new ArrayList<>();
    private AgentPolicy policy;
    private final ClusterState cluster = new ClusterState() {
        @Override
        public Optional<AgentProvider> provider(String namespace, String name) {
            return Optional.ofNullable(providers.get(name));
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.ofNullable(secrets.get(name));
        }

        @Override
        public List<AgentConfig> configs(String namespace) {
            return configs;
        }

        @Override
        public Optional<AgentPolicy> policy(String namespace) {
            return Optional.ofNullable(policy);
        }
    };

    @BeforeEach
    void aReadyProviderWithItsSecret() {
        addProvider("gemini-provider", true, "gemini-credentials", "api-key");
        addSecret("gemini-credentials", "api-key");
    }

    private AgentRun run() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().setProviderRef("gemini-provider");
        return run;
    }

    private Resolution resolve(AgentRun run) {
        return RunResolver.resolve(run, cluster, Fixtures.config());
    }

    private ResolvedRun resolved(AgentRun run) {
        var resolution = resolve(run);
        assertThat(resolution).isInstanceOf(Resolution.Resolved.class);
        return ((Resolution.Resolved) resolution).run();
    }

    private Resolution.Blocked blocked(AgentRun run) {
        var resolution = resolve(run);
        assertThat(resolution).isInstanceOf(Resolution.Blocked.class);
        return (Resolution.Blocked) resolution;
    }

    @Test
    void aProviderRefResolvesToThatProvidersSettings() {
        var resolved = resolved(run());
        assertThat(resolved.provider().name()).isEqualTo("gemini-provider");
        assertThat(resolved.provider().authTokenSecretRef().getName()).isEqualTo("gemini-credentials");
        assertThat(resolved.provider().tokenEnv()).isEqualTo("ANTHROPIC_AUTH_TOKEN");
        assertThat(resolved.provider().environment()).containsEntry("ANTHROPIC_BASE_URL", "http://proxy:8317");
    }

    @Test
    void operatorDefaultsApplyWhenNothingElseIsSet() {
        var resolved = resolved(run());
        assertThat(resolved.image()).isEqualTo("example.com/agent-runner:test");
        assertThat(resolved.timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(resolved.storageSize()).isEqualTo("10Gi");
        assertThat(resolved.storageClass()).isEmpty();
    }

    @Test
    void anInlineProviderIsUsedAsWritten() {
        var run = run();
        run.getSpec().setProviderRef(null);
        var inline = new InlineProvider();
        inline.setName("anthropic");
        inline.setAuthTokenSecretRef(new SecretKeyRef("anthropic-credentials", "api-key"));
        inline.setEnvironment(Map.of("ANTHROPIC_BASE_URL", "https://api.anthropic.com"));
        run.getSpec().setProvider(inline);
        addSecret("anthropic-credentials", "api-key");
        var resolved = resolved(run);
        assertThat(resolved.provider().name()).isEqualTo("anthropic");
        assertThat(resolved.provider().authTokenSecretRef().getName()).isEqualTo("anthropic-credentials");
    }

    @Test
    void theAgentConfigSuppliesAgentProviderImageTimeoutStorageAndEnv() {
        var run = run();
        run.getSpec().setAgent(null);
        run.getSpec().setProviderRef(null);
        var spec = new AgentConfigSpec();
        spec.setDefaultAgent(AgentType.CLAUDE);
        spec.setDefaultProviders(Map.of("claude", "gemini-provider"));
        spec.setDefaultImage("example.com/custom:2");
        spec.setDefaultTimeout("45m");
        spec.setStorageClass("fast");
        spec.setStorageSize("20Gi");
        spec.setEnv(List.of(new EnvVarBuilder().withName("LANG").withValue("en_US.UTF-8").build()));
        addConfig("default", spec);
        var resolved = resolved(run);
        assertThat(resolved.agent().type()).isEqualTo(AgentType.CLAUDE);
        assertThat(resolved.provider().name()).isEqualTo("gemini-provider");
        assertThat(resolved.image()).isEqualTo("example.com/custom:2");
        assertThat(resolved.timeout()).isEqualTo(Duration.ofMinutes(45));
        assertThat(resolved.storageClass()).contains("fast");
        assertThat(resolved.storageSize()).isEqualTo("20Gi");
        assertThat(resolved.namespaceEnv()).extracting("name").containsExactly("LANG");
    }

    @Test
    void theRunsOwnImageAndTimeoutWinOverTheAgentConfig() {
        var spec = new AgentConfigSpec();
        spec.setDefaultImage("example.com/custom:2");
        spec.setDefaultTimeout("45m");
        addConfig("default", spec);
        var run = run();
        run.getSpec().setImage("example.com/mine:3");
        run.getSpec().setTimeout("10m");
        var resolved = resolved(run);
        assertThat(resolved.image()).isEqualTo("example.com/mine:3");
        assertThat(resolved.timeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theConfigNamedDefaultWinsAndASingleConfigIsUsedWhateverItsName() {
        var other = new AgentConfigSpec();
        other.setDefaultImage("other");
        var chosen = new AgentConfigSpec();
        chosen.setDefaultImage("chosen");
        addConfig("other", other);
        assertThat(resolved(run()).image()).isEqualTo("other");
        addConfig("default", chosen);
        assertThat(resolved(run()).image()).isEqualTo("chosen");
    }

    @Test
    void severalConfigsWithoutADefaultOneBlockTheRun() {
        addConfig("a", new AgentConfigSpec());
        addConfig("b", new AgentConfigSpec());
        assertThat(blocked(run()).reason()).isEqualTo(BlockedReason.AGENT_CONFIG_AMBIGUOUS);
    }

    @Test
    void noAgentAnywhereBlocksTheRun() {
        var run = run();
        run.getSpec().setAgent(null);
        assertThat(blocked(run).reason()).isEqualTo(BlockedReason.AGENT_NOT_SET);
    }

    @Test
    void noProviderAnywhereBlocksTheRun() {
        var run = run();
        run.getSpec().setProviderRef(null);
        var b = blocked(run);
        assertThat(b.reason()).isEqualTo(BlockedReason.PROVIDER_NOT_SET);
        assertThat(b.message()).contains("defaultProviders.claude");
    }

    @Test
    void aMissingProviderBlocksTheRunAndSaysWhichOne() {
        var run = run();
        run.getSpec().setProviderRef("nope");
        var b = blocked(run);
        assertThat(b.reason()).isEqualTo(BlockedReason.PROVIDER_NOT_FOUND);
        assertThat(b.message()).contains("nope").contains("spec.providerRef");
    }

    @Test
    void aProviderThatIsNotReadyBlocksTheRun() {
        addProvider("gemini-provider", false, "gemini-credentials", "api-key");
        assertThat(blocked(run()).reason()).isEqualTo(BlockedReason.PROVIDER_NOT_READY);
    }

    @Test
    void aProviderForAnotherAgentBlocksTheRun() {
        providers.get("gemini-provider").getSpec().setAgentTypes(List.of(AgentType.OPENCODE));
        assertThat(blocked(run()).reason()).isEqualTo(BlockedReason.PROVIDER_AGENT_MISMATCH);
    }

    @Test
    void aMissingInlineTokenSecretOrKeyBlocksTheRunWithoutShowingAnyValue() {
        var run = run();
        run.getSpec().setProviderRef(null);
        var inline = new InlineProvider();
        inline.setAuthTokenSecretRef(new SecretKeyRef("gemini-credentials", "api-key"));
        run.getSpec().setProvider(inline);
        secrets.clear();
        assertThat(blocked(run).reason()).isEqualTo(BlockedReason.SECRET_NOT_FOUND);
        secrets.put("gemini-credentials", new SecretBuilder().withNewMetadata().withName("gemini-credentials")
                .endMetadata().addToData("other", "c2VjcmV0LXZhbHVl").build());
        var b = blocked(run);
        assertThat(b.reason()).isEqualTo(BlockedReason.SECRET_KEY_NOT_FOUND);
        assertThat(b.message()).contains("api-key").doesNotContain("c2VjcmV0LXZhbHVl").doesNotContain("other");
    }

    /** A ready AgentProvider already vouches for its Secret (its reconciler watches it): no read per run. */
    @Test
    void aRunThroughAReadyProviderDoesNotReadTheTokenSecret() {
        var reads = new ArrayList<String>();
        var counting = new ClusterState() {
            @Override
            public Optional<AgentProvider> provider(String namespace, String name) {
                return cluster.provider(namespace, name);
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
                reads.add(name);
                return cluster.secret(namespace, name);
            }

            @Override
            public List<AgentConfig> configs(String namespace) {
                return cluster.configs(namespace);
            }
        };
        assertThat(RunResolver.resolve(run(), counting, Fixtures.config())).isInstanceOf(Resolution.Resolved.class);
        assertThat(reads).isEmpty();
    }

    @Test
    void aMissingGitCredentialsSecretBlocksTheRun() {
        var run = run();
        run.getSpec().getRepository().setCredentialsSecretRef(new SecretRef("git-creds"));
        assertThat(blocked(run).reason()).isEqualTo(BlockedReason.GIT_CREDENTIALS_NOT_FOUND);
        addSecret("git-creds", "token");
        resolved(run);
    }

    @Test
    void opencodeGetsItsOwnTokenVariableUnlessTheProviderNamesOne() {
        var run = run();
        run.getSpec().setAgent(AgentType.OPENCODE);
        assertThat(resolved(run).provider().tokenEnv()).isEqualTo("ANTHROPIC_API_KEY");
        providers.get("gemini-provider").getSpec().setAuthTokenEnv("MY_TOKEN");
        assertThat(resolved(run).provider().tokenEnv()).isEqualTo("MY_TOKEN");
    }

    private void addProvider(String name, boolean ready, String secret, String key) {
        var provider = new AgentProvider();
        provider.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").build());
        var spec = new AgentProviderSpec();
        spec.setAuthTokenSecretRef(new SecretKeyRef(secret, key));
        spec.setEnvironment(Map.of("ANTHROPIC_BASE_URL", "http://proxy:8317"));
        provider.setSpec(spec);
        var status = new AgentProviderStatus();
        status.setReady(ready);
        provider.setStatus(status);
        providers.put(name, provider);
    }

    private void addSecret(String name, String key) {
        secrets.put(name, new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData(key, "c2VjcmV0").build());
    }

    private void addConfig(String name, AgentConfigSpec spec) {
        var config = new AgentConfig();
        config.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").build());
        config.setSpec(spec);
        configs.add(config);
    }

    @Test
    void theNamespacePolicysLimitsAreTheValuesOfARunAndConfigThatSetNone() {
        var limits = new LimitPolicy();
        limits.setMaxTimeout("20m");
        limits.setMaxBudgetUSD("5");
        var spec = new AgentPolicySpec();
        spec.setLimits(limits);
        policy = new AgentPolicy();
        policy.setSpec(spec);
        var run = run();
        run.getSpec().setTimeout(null);
        assertThat(resolved(run).timeout()).as("shorter than the operator's 1h").isEqualTo(Duration.ofMinutes(20));
        assertThat(resolved(run).maxBudgetUSD()).isEqualTo("5");

        limits.setMaxTimeout("2h");
        assertThat(resolved(run).timeout()).as("the operator's default is within it").isEqualTo(Duration.ofHours(1));
        run.getSpec().setTimeout("10m");
        run.getSpec().setMaxBudgetUSD("1.50");
        assertThat(resolved(run).timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(resolved(run).maxBudgetUSD()).as("the run's own value wins; PolicyChecker bounds it").isEqualTo(
                "1.50");
    }
}
