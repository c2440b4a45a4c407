package com.xonovex.agentoperator.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.xonovex.agentoperator.TestBinaries;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's dev-mode command, from a fresh clone: src/test/cluster/dev.sh --local starts the project's own
 * control plane and ./mvnw quarkus:dev against it; an AgentRun applied with kubectl goes Pending → Initializing →
 * Running → Succeeded on the simulated nodes.
 */
class DevModeIT {
    private static final Path KUBECTL = TestBinaries.path("kubectl");

    @Test
    void devModeRunsTheOperatorOnTheLocalControlPlaneFromAFreshClone(@TempDir Path temp) throws Exception {
        var clone = temp.resolve("clone");
        run(List.of("git", "clone", "--quiet", Path.of("").toAbsolutePath().toString(), clone.toString()), temp);
        var state = temp.resolve("dev-cluster");
        var port = freePort();
        var log = temp.resolve("dev.log");
        var builder = new ProcessBuilder("bash", "src/test/cluster/dev.sh", "--local", "-B",
                "-Dquarkus.http.port=" + port, "-Ddebug=false", "-Dquarkus.analytics.disabled=true",
                "-Dquarkus.console.enabled=false")
                .directory(clone.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DEV_CLUSTER_DIR", state.toString());
        builder.environment().remove("KUBECONFIG");
        var dev = builder.start();
        var kubeconfig = state.resolve("kubeconfig");
        try {
            var http = HttpClient.newHttpClient();
            await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> {
                        assertThat(dev.isAlive()).as("dev.sh exited: %s", Files.readString(log)).isTrue();
                        return http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    });
            assertThat(Files.readString(log)).contains("local control plane up");

            var phases = new CopyOnWriteArrayList<String>();
            var apply = kubectl(kubeconfig, "apply", "-f", "kubernetes/samples/run.yaml");
            assertThat(apply).contains("agentrun.agent.xonovex.com/fix-auth-bug created");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> {
                var phase = kubectl(kubeconfig, "get", "agentrun", "fix-auth-bug", "-o", "jsonpath={.status.phase}")
                        .strip();
                if (!phase.isEmpty() && (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase))) {
                    phases.add(phase);
                }
                return phase.equals("Succeeded");
            });
            assertThat(phases).containsSubsequence("Initializing", "Running", "Succeeded");
            assertThat(kubectl(kubeconfig, "get", "agentproviders")).contains("gemini-provider").contains("true");
            var claim = kubectl(kubeconfig, "get", "agentrun", "fix-auth-bug", "-o",
                    "jsonpath={.status.workspaceClaimName}").strip();
            assertThat(claim).startsWith("fix-auth-bug-").endsWith("-workspace");
            assertThat(kubectl(kubeconfig, "get", "pvc", claim, "-o", "jsonpath={.status.phase}")).isEqualTo("Bound");
        } catch (AssertionError | RuntimeException e) {
            System.err.println("--- dev.sh output ---\n" + Files.readString(log));
            throw e;
        } finally {
            dev.descendants().forEach(ProcessHandle::destroy);
            dev.destroy();
            if (!dev.waitFor(60, TimeUnit.SECONDS)) {
                dev.descendants().forEach(ProcessHandle::destroyForcibly);
                dev.destroyForcibly();
            }
            // dev.sh stops its cluster on exit; make sure of it even when it was killed first
            run(List.of("bash", "src/test/cluster/dev-cluster.sh", "down"), clone, "DEV_CLUSTER_DIR",
                    state.toString());
        }
        assertThat(state).doesNotExist();
    }

    private static String kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of(KUBECTL.toString(), "--kubeconfig=" + kubeconfig));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    private static void run(List<String> command, Path dir, String... env) throws Exception {
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
