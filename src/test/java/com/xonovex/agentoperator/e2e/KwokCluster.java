package com.xonovex.agentoperator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real control plane on loopback from the binaries src/test/cluster/build.sh builds (and caches): etcd,
 * kube-apiserver, kube-controller-manager with every controller, kube-scheduler, and kwok playing the kubelet of a
 * few fake nodes with the stages in src/test/cluster/kwok/stages.yaml. Certificates come from openssl, as in
 * smoke.sh. Every process is stopped by {@link #close()}, which a JVM shutdown hook also calls.
 */
final class KwokCluster implements AutoCloseable {
    static final String SERVICE_RANGE = "10.0.0.0/24";
    static final String POD_CIDR = "10.244.0.0/16";
    static final int NODES = 3;

    private final Path project;
    private final Path work;
    private final Path bin;
    private final List<Processes.Started> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "e2e-cluster-shutdown");
    private int apiPort;
    private Path adminKubeconfig;

    KwokCluster(Path project) {
        this.project = project;
        try {
            this.work = Files.createTempDirectory("agent-operator-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
        var out = Processes.run(project, List.of("bash", project.resolve("src/test/cluster/build.sh").toString()))
                .strip().split("\n");
        this.bin = Path.of(out[out.length - 1].strip());
    }

    Path work() {
        return work;
    }

    Path bin(String name) {
        return bin.resolve(name);
    }

    String server() {
        return "https://127.0.0.1:" + apiPort;
    }

    Path adminKubeconfig() {
        return adminKubeconfig;
    }

    Path caCert() {
        return work.resolve("ca.crt");
    }

    KubernetesClient adminClient() {
        return client(adminKubeconfig);
    }

    static KubernetesClient client(Path kubeconfig) {
        try {
            var config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            config.setRequestTimeout(30_000);
            // the burst tests list and create hundreds of objects
            config.setMaxConcurrentRequests(128);
            config.setMaxConcurrentRequestsPerHost(64);
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** etcd and kube-apiserver, until /readyz answers ok. */
    void startApiServer() {
        long t0 = System.nanoTime();
        certificates();
        int etcdPort = Processes.freePort();
        int peerPort = Processes.freePort();
        var etcd = new ArrayList<>(List.of(bin("etcd").toString(), "--name=e2e", "--data-dir=" + work.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-cluster=e2e=http://127.0.0.1:" + peerPort,
                "--unsafe-no-fsync", "--log-level=warn"));
        start("etcd", etcd);

        apiPort = Processes.freePort();
        start("kube-apiserver", List.of(bin("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + apiPort,
                "--cert-dir=" + work.resolve("apiserver-certs"),
                "--tls-cert-file=" + work.resolve("apiserver.crt"),
                "--tls-private-key-file=" + work.resolve("apiserver.key"),
                "--client-ca-file=" + work.resolve("ca.crt"),
                "--authorization-mode=RBAC",
                "--service-cluster-ip-range=" + SERVICE_RANGE,
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + work.resolve("sa.pub"),
                "--service-account-signing-key-file=" + work.resolve("sa.key"),
                "--allow-privileged=true",
                "--profiling=false"));

        adminKubeconfig = kubeconfig("admin", Map.of(
                "client-certificate-data", base64(work.resolve("admin.crt")),
                "client-key-data", base64(work.resolve("admin.key"))));
        try (var client = adminClient()) {
            waitUntil(Duration.ofSeconds(90), "kube-apiserver /readyz", () -> {
                try {
                    return "ok".equals(client.raw("/readyz"));
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }

        System.err.printf("e2e: kube-apiserver ready at %s in %.1fs (logs in %s)%n", server(),
                (System.nanoTime() - t0) / 1e9, work);
    }

    /**
     * kube-controller-manager, kube-scheduler, kwok and the fake nodes. Install CRDs before: the garbage collector
     * learns about new resource types only on its next discovery resync (30s), until then it cannot delete the
     * children of a custom resource.
     */
    void startControllersAndNodes() {
        long t0 = System.nanoTime();
        var kubeconfig = "--kubeconfig=" + adminKubeconfig;
        start("kube-controller-manager", List.of(bin("kube-controller-manager").toString(), kubeconfig,
                "--leader-elect=false", "--secure-port=0", "--controllers=*",
                "--service-account-private-key-file=" + work.resolve("sa.key"),
                "--root-ca-file=" + work.resolve("ca.crt"),
                "--cluster-signing-cert-file=" + work.resolve("ca.crt"),
                "--cluster-signing-key-file=" + work.resolve("ca.key"),
                // the burst tests make the Job controller and the garbage collector busy
                "--kube-api-qps=200", "--kube-api-burst=400", "--concurrent-job-syncs=10",
                "--pvclaimbinder-sync-period=5s"));
        start("kube-scheduler", List.of(bin("kube-scheduler").toString(), kubeconfig, "--leader-elect=false",
                "--secure-port=0", "--kube-api-qps=200", "--kube-api-burst=400"));
        start("kwok", List.of(bin("kwok").toString(), kubeconfig, "--manage-all-nodes=true",
                "--cidr=" + POD_CIDR, "--node-lease-duration-seconds=40",
                "--config=" + project.resolve("src/test/cluster/kwok/stages.yaml")));

        try (var client = adminClient()) {
            for (int i = 0; i < NODES; i++) {
                var capacity = Map.of("cpu", new Quantity("32"), "memory", new Quantity("256Gi"), "pods",
                        new Quantity("110"));
                client.nodes().resource(new NodeBuilder().withNewMetadata().withName("kwok-node-" + i)
                        .addToAnnotations("kwok.x-k8s.io/node", "fake")
                        .addToLabels("type", "kwok").endMetadata()
                        .withNewStatus().withCapacity(capacity).withAllocatable(capacity).endStatus()
                        .build()).create();
            }
            waitUntil(Duration.ofSeconds(60), "fake nodes Ready", () -> client.nodes().list().getItems().stream()
                    .filter(n -> n.getStatus() != null && n.getStatus().getConditions() != null
                            && n.getStatus().getConditions().stream().anyMatch(
                                    c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                    .count() == NODES);
            // the ServiceAccount admission needs "default" before the Job controller can make pods
            waitUntil(Duration.ofSeconds(60), "default ServiceAccount", () -> client.serviceAccounts()
                    .inNamespace("default").withName("default").get() != null);
        }
        System.err.printf("e2e: controllers, scheduler, kwok and %d nodes ready in %.1fs%n", NODES,
                (System.nanoTime() - t0) / 1e9);
    }

    private void start(String name, List<String> command) {
        processes.add(Processes.start(name, work, Map.of(), command));
    }

    /** A CA, the API server's serving certificate, an admin client in system:masters, the SA signing key. */
    private void certificates() {
        var script = String.join("\n",
                "set -euo pipefail",
                "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=e2e-ca",
                "issue() {",
                "  openssl req -new -newkey rsa:2048 -nodes -keyout \"$1.key\" -out \"$1.csr\" -subj \"$2\"",
                "  openssl x509 -req -in \"$1.csr\" -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out \"$1.crt\""
                        + " ${3:+-extfile <(printf 'subjectAltName=%s\\n' \"$3\")}",
                "}",
                "issue apiserver /CN=kube-apiserver IP:127.0.0.1,DNS:localhost",
                "issue admin /O=system:masters/CN=e2e-admin",
                "openssl genrsa -out sa.key 2048",
                "openssl rsa -in sa.key -pubout -out sa.pub");
        Processes.run(work, List.of("bash", "-c", script));
    }

    /** Writes a kubeconfig for this cluster with the given user fields (certificate or token). */
    Path kubeconfig(String user, Map<String, String> userFields) {
        var sb = new StringBuilder();
        sb.append("apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: ").append(server())
                .append("\n    certificate-authority-data: ").append(base64(caCert())).append('\n')
                .append("users:\n- name: ").append(user).append("\n  user:\n");
        userFields.forEach((k, v) -> sb.append("    ").append(k).append(": ").append(v).append('\n'));
        sb.append("contexts:\n- name: e2e\n  context:\n    cluster: e2e\n    user: ").append(user)
                .append("\n    namespace: default\ncurrent-context: e2e\n");
        var file = work.resolve(user + ".kubeconfig");
        try {
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String base64(Path file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails fast when a component died. */
    void checkAlive() {
        for (var p : processes) {
            if (!p.alive()) {
                throw new IllegalStateException(p.name() + " exited with " + p.process().exitValue() + ":\n"
                        + p.tail(40));
            }
        }
    }

    void waitUntil(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("e2e: timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The last lines of every component's log. */
    String logTails(int lines) {
        var sb = new StringBuilder();
        for (var p : processes) {
            sb.append("----- last ").append(lines).append(" lines of ").append(p.name())
                    .append(p.alive() ? "" : " (exited)").append(" -----\n").append(p.tail(lines)).append('\n');
        }
        return sb.toString();
    }

    private synchronized void stopAll() {
        // reverse start order: kwok and the controllers before the API server, the API server before etcd
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(10_000);
        }
        processes.clear();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        if (!Boolean.getBoolean("e2e.keep")) {
            Processes.deleteTree(work);
        }
    }
}
