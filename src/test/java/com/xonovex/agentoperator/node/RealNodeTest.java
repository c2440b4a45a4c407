package com.xonovex.agentoperator.node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import com.xonovex.agentoperator.api.Repository;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.api.SecretRef;
import com.xonovex.agentoperator.support.FakeMessagesApi;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Base of the tier-4 tests: the shared real-node environment, namespaces that enforce the {@code restricted} Pod
 * Security Standard with a provider token and git credentials, fake Messages APIs on the node's address, run helpers.
 */
@ExtendWith(RealNodeExtension.class)
abstract class RealNodeTest {
    static final String TOKEN = "sk-tier4-" + UUID.randomUUID();
    static final String WRITTEN = "hello-from-the-agent.txt";
    static final String PROVIDER = "fake-anthropic";

    final List<AutoCloseable> servers = new ArrayList<>();

    RealNodeEnvironment env() {
        return RealNodeEnvironment.get();
    }

    KubernetesClient client() {
        return env().admin;
    }

    /**
     * A fresh namespace labelled pod-security.kubernetes.io/enforce=restricted, with the Secret {@code llm-token}
     * (key token) and the git credentials Secret {@code git-credentials} (username, password).
     */
    String newNamespace(String prefix) {
        var ns = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        var client = client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest").endMetadata().build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("llm-token")
                .endMetadata().addToStringData("token", TOKEN).build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("git-credentials")
                .endMetadata().addToStringData("username", RealNodeEnvironment.GIT_USER)
                .addToStringData("password", RealNodeEnvironment.GIT_PASSWORD).build()).create();
        await(Duration.ofSeconds(60), "ServiceAccount " + ns + "/default",
                () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        return ns;
    }

    /** A fake Messages API on the node's address whose scripted turn writes {@link #WRITTEN} with {@code content}. */
    FakeMessagesApi fakeApi(AgentType agent, String content) throws IOException {
        var api = new FakeMessagesApi(InetAddress.getByName(env().nodeIp), agent, "/workspace/repo/" + WRITTEN,
                content);
        servers.add(api);
        return api;
    }

    /** An AgentProvider for the fake API, with the token from llm-token and extra environment. */
    void provider(String ns, String name, FakeMessagesApi api, Map<String, String> environment) {
        var provider = new AgentProvider();
        provider.getMetadata().setName(name);
        provider.getMetadata().setNamespace(ns);
        var spec = new AgentProviderSpec();
        spec.setDisplayName("fake Messages API at " + api.baseUrl());
        spec.setAuthTokenSecretRef(new SecretKeyRef("llm-token", "token"));
        var env = new java.util.HashMap<>(environment);
        env.put("ANTHROPIC_BASE_URL", api.baseUrl());
        spec.setEnvironment(env);
        provider.setSpec(spec);
        client().resource(provider).create();
    }

    /** Creates a run cloning {@code repository} (a name on the test git server) with the git credentials Secret. */
    AgentRun run(String ns, String name, AgentType agent, String repository, String timeout) {
        return client().resource(newRun(ns, name, agent, repository, timeout)).create();
    }

    AgentRun newRun(String ns, String name, AgentType agent, String repository, String timeout) {
        var run = new AgentRun();
        run.getMetadata().setName(name);
        run.getMetadata().setNamespace(ns);
        var spec = new AgentRunSpec();
        spec.setAgent(agent);
        spec.setProviderRef(PROVIDER);
        var repo = new Repository();
        repo.setUrl(env().git.url("private", repository));
        repo.setCredentialsSecretRef(new SecretRef("git-credentials"));
        spec.setRepository(repo);
        spec.setPrompt("Write the file " + WRITTEN + " in the repository.");
        spec.setTimeout(timeout);
        run.setSpec(spec);
        return run;
    }

    AgentRun get(String ns, String name) {
        return client().resources(AgentRun.class).inNamespace(ns).withName(name).get();
    }

    AgentRun awaitRun(String ns, String name, Duration timeout, String what, Predicate<AgentRun> condition) {
        await(timeout, ns + "/" + name + " " + what, () -> {
            var run = get(ns, name);
            return run != null && condition.test(run);
        });
        return get(ns, name);
    }

    AgentRun awaitTerminal(String ns, String name, Duration timeout) {
        return awaitRun(ns, name, timeout, "terminal", r -> r.getStatus() != null && r.getStatus().getPhase() != null
                && r.getStatus().getPhase().isTerminal());
    }

    /** The run's workspace on the node: the hostPath of the PersistentVolume bound to its claim. */
    Path workspace(String ns, AgentRun run) {
        var claim = client().persistentVolumeClaims().inNamespace(ns).withName(run.getStatus().getWorkspaceClaimName())
                .get();
        var volume = client().persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
        return Path.of(volume.getSpec().getHostPath().getPath());
    }

    Pod pod(String ns, AgentRun run) {
        return client().pods().inNamespace(ns).withName(run.getStatus().getPodName()).get();
    }

    String log(String ns, String pod, String container) {
        return client().pods().inNamespace(ns).withName(pod).inContainer(container).getLog();
    }

    /** Describes a run for an assertion message: status, the pod's container states, the agent's log tail. */
    String describe(String ns, AgentRun run) {
        var sb = new StringBuilder("\nstatus: ").append(run.getStatus());
        try {
            var pods = client().pods().inNamespace(ns).list().getItems();
            for (var pod : pods) {
                sb.append("\npod ").append(pod.getMetadata().getName()).append(": ")
                        .append(pod.getStatus().getInitContainerStatuses()).append(' ')
                        .append(pod.getStatus().getContainerStatuses());
                for (var c : List.of("git-clone", "agent")) {
                    try {
                        sb.append("\n--- ").append(c).append(" log:\n").append(client().pods().inNamespace(ns)
                                .withName(pod.getMetadata().getName()).inContainer(c).tailingLines(30).getLog());
                    } catch (RuntimeException e) {
                        sb.append("\n--- ").append(c).append(": no log (").append(e.getMessage()).append(')');
                    }
                }
            }
        } catch (RuntimeException e) {
            sb.append("\n(cannot describe: ").append(e).append(')');
        }
        return sb.toString();
    }

    static void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("tier 4: timed out after " + timeout + " waiting for " + what);
            }
            RealNodeEnvironment.sleep(500);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeServers() throws Exception {
        for (var s : servers) {
            s.close();
        }
        servers.clear();
    }
}
