package com.xonovex.agentoperator.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.extension.ExtendWith;

import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentProviderSpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunSpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.Repository;
import com.xonovex.agentoperator.api.SecretKeyRef;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Base of the end-to-end tests: the shared environment, a namespace with a ready provider, and run helpers. */
@ExtendWith(E2eExtension.class)
abstract class E2eTest {
    static final String PROVIDER = "e2e-provider";
    static final String FAIL = "e2e.agent.xonovex.com/fail";
    static final String HOLD = "e2e.agent.xonovex.com/hold";
    static final String STEP_DELAY = "e2e.agent.xonovex.com/step-delay";

    E2eEnvironment env() {
        return E2eEnvironment.get();
    }

    KubernetesClient client() {
        return env().admin;
    }

    /** A fresh namespace with a token Secret and an AgentProvider the runs name. */
    String newNamespace(String prefix) {
        var ns = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        var client = client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("llm-token")
                .endMetadata().addToStringData("token", "s3cr3t-token-value").build()).create();
        var provider = new AgentProvider();
        provider.getMetadata().setName(PROVIDER);
        provider.getMetadata().setNamespace(ns);
        var spec = new AgentProviderSpec();
        spec.setDisplayName("e2e provider");
        spec.setAgentTypes(List.of(AgentType.CLAUDE, AgentType.OPENCODE));
        spec.setAuthTokenSecretRef(new SecretKeyRef("llm-token", "token"));
        provider.setSpec(spec);
        client.resource(provider).create();
        // pods need the namespace's default ServiceAccount, which kube-controller-manager creates
        env().cluster.waitUntil(Duration.ofSeconds(30), "ServiceAccount " + ns + "/default",
                () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        return ns;
    }

    static AgentRun run(String namespace, String name, Map<String, String> labels) {
        var run = new AgentRun();
        run.getMetadata().setName(name);
        run.getMetadata().setNamespace(namespace);
        run.getMetadata().setLabels(labels);
        var spec = new AgentRunSpec();
        spec.setAgent(AgentType.CLAUDE);
        spec.setProviderRef(PROVIDER);
        var repository = new Repository();
        repository.setUrl("https://github.com/org/repo.git");
        repository.setBranch("main");
        spec.setRepository(repository);
        spec.setPrompt("Fix the authentication bug");
        spec.setTimeout("10m");
        run.setSpec(spec);
        return run;
    }

    AgentRun create(AgentRun run) {
        return client().resource(run).create();
    }

    AgentRun get(String namespace, String name) {
        return client().resources(AgentRun.class).inNamespace(namespace).withName(name).get();
    }

    AgentRun await(String namespace, String name, Duration timeout, String what, Predicate<AgentRun> condition) {
        env().cluster.waitUntil(timeout, namespace + "/" + name + " " + what, () -> {
            env().operator.checkAlive();
            var run = get(namespace, name);
            return run != null && condition.test(run);
        });
        return get(namespace, name);
    }

    AgentRun awaitPhase(String namespace, String name, Phase phase, Duration timeout) {
        return await(namespace, name, timeout, "phase " + phase,
                r -> r.getStatus() != null && r.getStatus().getPhase() == phase);
    }

    static boolean terminal(AgentRun run) {
        return run.getStatus() != null && run.getStatus().getPhase() != null && run.getStatus().getPhase().isTerminal();
    }

    /** Jobs controlled by the run (by owner UID, not by name). */
    List<Job> jobsOf(AgentRun run, List<Job> jobs) {
        return jobs.stream().filter(j -> j.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> run.getMetadata().getUid().equals(o.getUid()))).toList();
    }
}
