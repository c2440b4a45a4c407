package com.xonovex.agentoperator.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The tier-3 test bed for the benchmark (src/test/perf/benchmark.sh, package perf): a fresh etcd + kube-apiserver
 * on loopback with the committed CRDs, and with {@code full} also kube-controller-manager, kube-scheduler, kwok with
 * its fake nodes and the volume provisioner, exactly as the end-to-end tests start them. Clients connect as cluster
 * admin through {@link #kubeconfig()}. {@link #close()} stops everything.
 */
public final class BenchCluster implements AutoCloseable {
    private final KwokCluster cluster;
    private final KubernetesClient admin;
    private StaticProvisioner provisioner;

    private BenchCluster(Path project, boolean full) {
        cluster = new KwokCluster(project);
        KubernetesClient client = null;
        try {
            cluster.startApiServer();
            client = cluster.adminClient();
            installCrds(project, client);
            if (full) {
                cluster.startControllersAndNodes();
                provisioner = new StaticProvisioner(client);
                provisioner.start();
            }
        } catch (RuntimeException | Error e) {
            System.err.println(cluster.logTails(30));
            if (client != null) {
                client.close();
            }
            cluster.close();
            throw e;
        }
        admin = client;
    }

    /** Starts the API server (and with {@code full} the controllers, scheduler, kwok nodes and provisioner). */
    public static BenchCluster start(Path project, boolean full) {
        return new BenchCluster(project, full);
    }

    public Path kubeconfig() {
        return cluster.adminKubeconfig();
    }

    public KubernetesClient admin() {
        return admin;
    }

    public Path work() {
        return cluster.work();
    }

    public void checkAlive() {
        cluster.checkAlive();
    }

    public String logTails(int lines) {
        return cluster.logTails(lines);
    }

    private static void installCrds(Path project, KubernetesClient admin) {
        int applied = 0;
        try (var files = Files.list(project.resolve("kubernetes/crd"))) {
            for (var file : files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (var item : admin.load(in).items()) {
                        admin.resource(item).create();
                        applied++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                .filter(c -> c.getSpec().getGroup().equals("agent.xonovex.com"))
                .filter(BenchCluster::established).count() < applied) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the CRDs are not Established after 30s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions()
                .stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public void close() {
        if (provisioner != null) {
            provisioner.close();
        }
        if (admin != null) {
            admin.close();
        }
        cluster.close();
    }
}
