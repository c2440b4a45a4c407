package com.xonovex.agentoperator.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator (target/quarkus-app/quarkus-run.jar) run with {@code java -jar} as users run it: prod
 * profile (so leader election is on), a kubeconfig whose user is the agent-operator ServiceAccount, the environment
 * of the generated Deployment. Each start gets its own log file (operator-N.log).
 */
final class OperatorProcess {
    static final int RECONCILIATION_THREADS = 10;
    static final Duration IMAGE_PULL_GRACE = Duration.ofSeconds(6);

    private final Path project;
    private final Path work;
    private final Path kubeconfig;
    private final String name;
    private final Map<String, String> extraEnv;
    private final int httpPort = Processes.freePort();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Processes.Started process;
    private int starts;

    OperatorProcess(Path project, Path work, Path kubeconfig) {
        this(project, work, kubeconfig, "operator", Map.of());
    }

    /** Another operator process (its log files {@code name-N.log}), with settings added to the usual environment. */
    OperatorProcess(Path project, Path work, Path kubeconfig, String name, Map<String, String> extraEnv) {
        this.project = project;
        this.work = work;
        this.kubeconfig = kubeconfig;
        this.name = name;
        this.extraEnv = extraEnv;
    }

    void start() {
        starts++;
        var jar = project.resolve("target/quarkus-app/quarkus-run.jar");
        if (!jar.toFile().isFile()) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package first");
        }
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var env = new HashMap<>(Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "AGENT_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", E2eEnvironment.OPERATOR_NAMESPACE,
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "QUARKUS_OPERATOR_SDK_CRD_APPLY", "false",
                "QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS", Integer.toString(RECONCILIATION_THREADS),
                // as in the generated Deployment (target/kubernetes/kubernetes.yml)
                "QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTRUN_NAMESPACES", "JOSDK_ALL_NAMESPACES",
                "QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTPROVIDER_NAMESPACES", "JOSDK_ALL_NAMESPACES",
                "KUBERNETES_NAMESPACE", E2eEnvironment.OPERATOR_NAMESPACE,
                // RunFailFastIT: an image that cannot be pulled fails the run after this grace
                "AGENT_OPERATOR_IMAGE_PULL_GRACE", IMAGE_PULL_GRACE.toSeconds() + "s"));
        env.putAll(extraEnv);
        process = Processes.start(name + "-" + starts, work, env,
                List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString()));
    }

    /** The exit code once the process has ended within the timeout, else empty. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.process().exitValue()) : OptionalInt.empty();
    }

    boolean alive() {
        return process != null && process.alive();
    }

    long pid() {
        return process.process().pid();
    }

    /** kill -9: no shutdown hook, no lease release. */
    void kill() {
        process.kill();
    }

    void stop() {
        if (process != null) {
            process.stop(15_000);
        }
    }

    /** Status code and body of a GET on the operator's HTTP port, or code -1 when nothing answers. */
    HttpResult get(String path) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(response.statusCode(), response.body());
        } catch (IOException e) {
            return new HttpResult(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HttpResult(-1, e.toString());
        }
    }

    record HttpResult(int code, String body) {
    }

    String logTail(int lines) {
        return process == null ? "(operator not started)" : process.tail(lines);
    }

    String logName() {
        return process == null ? "" : process.log().toString();
    }

    void checkAlive() {
        if (!alive()) {
            throw new IllegalStateException("the operator exited:\n" + logTail(60));
        }
    }
}
