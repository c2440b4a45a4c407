package com.xonovex.agentoperator.node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.xonovex.agentoperator.TestBinaries;
import com.xonovex.agentoperator.TestCommands;
import com.xonovex.agentoperator.support.FakeForgeApi;
import com.xonovex.agentoperator.support.GitHttpServer;
import com.xonovex.agentoperator.support.TestTls;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Tier 4's shared environment, started once per test JVM: the project's images built offline
 * (src/test/cluster/images.sh), the local control plane with one real node (src/test/cluster/real-node.sh), an https
 * git server on the node's bridge address, and the operator installed with the Helm chart as a pod. Closed by JUnit
 * after the last tier-4 class ({@code real-node.sh down} undoes everything; {@code -Dnode.keep=true} leaves it up).
 *
 * <p>Outside CI a missing prerequisite (not root, a missing Debian package) skips the tests with a message saying
 * what is missing; in CI ({@code CI=true}) it fails them.
 */
final class RealNodeEnvironment implements ExtensionContext.Store.CloseableResource {
    static final String OPERATOR_NAMESPACE = "agent-operator-system";
    static final String RELEASE = "agent-operator";
    static final String GIT_USER = "agent";
    static final String GIT_PASSWORD = "pw-" + UUID.randomUUID();
    static final String REPOSITORY = "project.git";
    static final Duration IMAGES_TIMEOUT = Duration.ofMinutes(30);

    private static RealNodeEnvironment current;
    private static RuntimeException startFailure;

    final Path project = Path.of("").toAbsolutePath();
    final Path work;
    String operatorImage;
    String runnerImage;
    String nodeIp;
    Path state;
    Path kubeconfig;
    KubernetesClient admin;
    GitHttpServer git;
    /** The bare repositories the git server serves (area/project.git under it). */
    Path gitRoot;
    /** A fake GitHub/GitLab REST API on the node's address, with the test CA's certificate. */
    FakeForgeApi forge;
    private boolean up;

    private RealNodeEnvironment() throws IOException {
        work = Files.createTempDirectory("agent-operator-node-");
    }

    static synchronized RealNodeEnvironment get() {
        if (current == null) {
            throw new IllegalStateException("the real-node environment is not started; use RealNodeExtension");
        }
        return current;
    }

    static synchronized RealNodeEnvironment startOnce() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (current == null) {
            RealNodeEnvironment env = null;
            try {
                env = new RealNodeEnvironment();
                env.start();
                current = env;
            } catch (RuntimeException e) {
                startFailure = e;
                if (env != null) {
                    System.err.println(env.diagnostics());
                    env.closeAfterFailedStart();
                }
                throw e;
            } catch (Exception e) {
                startFailure = new IllegalStateException(e);
                if (env != null) {
                    System.err.println(env.diagnostics());
                    env.closeAfterFailedStart();
                }
                throw startFailure;
            }
        }
        return current;
    }

    /** Outside CI: skip, saying why. In CI: fail. */
    static void missing(String what) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("tier 4 cannot run in CI: " + what);
        }
        Assumptions.abort("tier 4 (real node) skipped: " + what);
    }

    private void start() throws Exception {
        long t0 = System.nanoTime();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing("needs root (cgroups, mounts, a bridge, iptables); run as root or in CI");
        }
        var images = Scripts.run(project, work, IMAGES_TIMEOUT, "images.sh", "operator", "runner-testca", "pause");
        if (images.exitCode() == 2) {
            missing(images.log());
        }
        check(images, "images.sh");
        operatorImage = images.value("operator");
        runnerImage = images.value("runner-testca");
        System.err.printf("tier 4: images ready in %.1fs: %s, %s%n", (System.nanoTime() - t0) / 1e9, operatorImage,
                runnerImage);

        // one real node per machine (one bridge, one cgroup root): never take over one that runs (dev.sh --real-node,
        // or a test run with -Dnode.keep=true)
        var status = Scripts.run(project, work, Duration.ofMinutes(1), "real-node.sh", "status");
        if (status.exitCode() == 0) {
            throw new IllegalStateException("a real node is already running (dev.sh --real-node, or -Dnode.keep=true);"
                    + " stop it first: src/test/cluster/real-node.sh down");
        }
        up = true;
        var node = Scripts.run(project, work, Duration.ofMinutes(20), "real-node.sh", "up",
                images.value("operator_ARCHIVE"), images.value("runner-testca_ARCHIVE"));
        if (node.exitCode() == 3) {
            missing(node.log());
        }
        check(node, "real-node.sh up");
        nodeIp = node.value("NODE_IP");
        state = Path.of(node.value("STATE"));
        kubeconfig = Path.of(node.value("KUBECONFIG"));
        var config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        config.setRequestTimeout(30_000);
        admin = new KubernetesClientBuilder().withConfig(config).build();

        var tls = TestTls.serverContext(Path.of(images.value("TEST_CA")), Path.of(images.value("TEST_CA_KEY")), nodeIp,
                work.resolve("tls"));
        gitRoot = Repositories.create(work.resolve("git"));
        git = GitHttpServer.startHttps(InetAddress.getByName(nodeIp), tls, gitBinary(), gitRoot,
                Map.of(GIT_USER, GIT_PASSWORD), work.resolve("git-http.log"));
        forge = FakeForgeApi.start(InetAddress.getByName(nodeIp), tls);
        installOperator();
        System.err.printf("tier 4: real node, git server and operator ready in %.1fs (logs in %s and %s)%n",
                (System.nanoTime() - t0) / 1e9, work, state);
    }

    private static void check(Scripts.Result result, String what) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(what + " failed with exit " + result.exitCode() + ":\n" + result.log());
        }
    }

    /** helm install of the committed chart, with the locally built images; waits until the operator pod is Ready. */
    private void installOperator() throws Exception {
        int colon = operatorImage.lastIndexOf(':');
        var install = helm("install", RELEASE, project.resolve("helm/agent-operator").toString(),
                "-n", OPERATOR_NAMESPACE, "--create-namespace",
                "--set", "app.image.repository=" + operatorImage.substring(0, colon),
                "--set", "app.image.tag=" + operatorImage.substring(colon + 1),
                "--set", "app.image.pullPolicy=Never",
                "--set", "app.envs.AGENT_OPERATOR_DEFAULT_IMAGE=" + runnerImage);
        if (install.exitCode() != 0) {
            throw new IllegalStateException("helm install failed:\n" + install.output());
        }
        awaitOperatorReady(Duration.ofMinutes(3), null);
    }

    /** The operator pod that is Ready (and is not {@code not}), once there is one. */
    Pod awaitOperatorReady(Duration timeout, String not) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var ready = operatorPods().stream().filter(p -> !p.getMetadata().getName().equals(not))
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).filter(RealNodeEnvironment::ready)
                    .findFirst();
            if (ready.isPresent()) {
                return ready.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no Ready operator pod after " + timeout + ":\n" + diagnostics());
            }
            sleep(500);
        }
    }

    List<Pod> operatorPods() {
        return admin.pods().inNamespace(OPERATOR_NAMESPACE).withLabel("app.kubernetes.io/name", "agent-operator")
                .list().getItems();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    TestCommands.Result helm(String... args) throws Exception {
        var command = new ArrayList<String>();
        command.add(TestBinaries.path("helm").toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        for (var dir : List.of("CACHE", "CONFIG", "DATA")) {
            builder.environment().put("HELM_" + dir + "_HOME", Files.createDirectories(work.resolve("helm-"
                    + dir.toLowerCase())).toString());
        }
        return TestCommands.run(builder);
    }

    /** The operator pods' logs and the node's component logs, for a failure. */
    String diagnostics() {
        var sb = new StringBuilder();
        if (admin != null) {
            try {
                for (var pod : operatorPods()) {
                    sb.append("----- operator pod ").append(pod.getMetadata().getName()).append(": ")
                            .append(pod.getStatus().getPhase()).append(' ')
                            .append(pod.getStatus().getContainerStatuses()).append("\n");
                    try {
                        sb.append(admin.pods().inNamespace(OPERATOR_NAMESPACE).withName(pod.getMetadata().getName())
                                .tailingLines(60).getLog()).append('\n');
                    } catch (RuntimeException e) {
                        sb.append("(no log: ").append(e.getMessage()).append(")\n");
                    }
                }
            } catch (RuntimeException e) {
                sb.append("(cannot list operator pods: ").append(e).append(")\n");
            }
        }
        if (state != null) {
            for (var component : List.of("kubelet", "containerd", "kube-proxy", "network-policies", "provisioner")) {
                sb.append("----- ").append(component).append(" -----\n")
                        .append(Scripts.tail(state.resolve(component + ".log"))).append('\n');
            }
        }
        return sb.toString();
    }

    private static String gitBinary() {
        for (var dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            var candidate = Path.of(dir.isEmpty() ? "." : dir, "git");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("git is not installed");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (git != null) {
            git.close();
        }
        if (forge != null) {
            forge.close();
        }
        if (admin != null) {
            admin.close();
        }
        synchronized (RealNodeEnvironment.class) {
            if (current == this) {
                current = null;
            }
        }
        if (up && !Boolean.getBoolean("node.keep")) {
            // down checks that every change it recorded is undone and that no process of the node survived; what
            // it left behind fails the run (JUnit reports a failing close of this resource)
            Scripts.Result down;
            try {
                down = Scripts.run(project, work, Duration.ofMinutes(5), "real-node.sh", "down");
            } catch (Exception e) {
                throw new IllegalStateException("tier 4: real-node.sh down failed", e);
            }
            if (down.exitCode() != 0) {
                throw new IllegalStateException("tier 4: real-node.sh down failed:\n" + down.log());
            }
        }
    }

    private void closeAfterFailedStart() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
        }
    }
}
