package com.xonovex.agentoperator.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentProviderSpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunSpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.Repository;
import com.xonovex.agentoperator.api.SecretKeyRef;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/** Helpers for tests in which the operator runs in-process against the real API server. */
abstract class OperatorTest extends ClusterTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    void secret(String name, String key) {
        client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToStringData(key, "s3cr3t-token-value").build()).create();
    }

    AgentProvider provider(String name, String secret, String key) {
        var provider = new AgentProvider();
        provider.getMetadata().setName(name);
        provider.getMetadata().setNamespace(namespace);
        var spec = new AgentProviderSpec();
        spec.setDisplayName("Test provider");
        spec.setAgentTypes(List.of(AgentType.CLAUDE, AgentType.OPENCODE));
        spec.setAuthTokenSecretRef(new SecretKeyRef(secret, key));
        spec.setEnvironment(Map.of("ANTHROPIC_BASE_URL", "http://proxy:8317"));
        provider.setSpec(spec);
        return client.resource(provider).create();
    }

    AgentConfig config(AgentConfigSpec spec) {
        var config = new AgentConfig();
        config.getMetadata().setName("default");
        config.getMetadata().setNamespace(namespace);
        config.setSpec(spec);
        return client.resource(config).create();
    }

    static AgentRun newRun(String name) {
        var run = new AgentRun();
        run.getMetadata().setName(name);
        var spec = new AgentRunSpec();
        spec.setAgent(AgentType.CLAUDE);
        var repository = new Repository();
        repository.setUrl("https://github.com/org/repo.git");
        repository.setBranch("main");
        spec.setRepository(repository);
        spec.setPrompt("Fix the authentication bug");
        spec.setTimeout("30m");
        run.setSpec(spec);
        return run;
    }

    AgentRun create(AgentRun run) {
        run.getMetadata().setNamespace(namespace);
        return client.resource(run).create();
    }

    AgentRun get(String name) {
        return client.resources(AgentRun.class).inNamespace(namespace).withName(name).get();
    }

    AgentRun awaitRun(String name, Predicate<AgentRun> condition) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
            var run = get(name);
            return run != null && condition.test(run);
        });
        return get(name);
    }

    AgentRun awaitPhase(String name, Phase phase) {
        return awaitRun(name, r -> r.getStatus() != null && r.getStatus().getPhase() == phase);
    }

    AgentRun awaitPendingBecause(String name, String reason) {
        return awaitRun(name, r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.PENDING
                && condition(r, "Resolved") != null && reason.equals(condition(r, "Resolved").getReason()));
    }

    static Condition condition(AgentRun run, String type) {
        return run.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElse(null);
    }
}
