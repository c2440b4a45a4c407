package com.xonovex.agentoperator.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real kube-apiserver with etcd for the tests (tier 2), from the binaries that src/test/cluster/build.sh builds
 * offline. It starts before Quarkus, installs the committed CRDs (kubernetes/crd/), and hands the operator a
 * kubeconfig through the {@code kubeconfig} system property, which the fabric8 client reads.
 */
public class KubeApiServerResource implements QuarkusTestResourceLifecycleManager {
    private static final Logger LOG = Logger.getLogger(KubeApiServerResource.class);
    private static final String RUNNING_PROPERTY = "agentoperator-test.kubeconfig";
    private static KubeAPIServer server;
    private static Path kubeconfig;

    @Override
    public Map<String, String> start() {
        return startServer();
    }

    static synchronized Map<String, String> startServer() {
        // Quarkus may load this class again in its own class loader: the property says a server already runs
        var running = System.getProperty(RUNNING_PROPERTY);
        if (server == null && running != null) {
            kubeconfig = Path.of(running);
            return Map.of();
        }
        if (server == null) {
            var config = KubeAPIServerConfigBuilder.anAPIServerConfig()
                    .withOfflineMode(true)
                    .withUpdateKubeConfig(false)
                    .withStartupTimeout(120_000)
                    .build();
            server = new KubeAPIServer(config);
            server.start();
            try {
                kubeconfig = Files.createTempFile("agent-operator-it-", ".kubeconfig");
                Files.writeString(kubeconfig, server.getKubeConfigYaml());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
            System.setProperty(RUNNING_PROPERTY, kubeconfig.toString());
            System.setProperty(Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "default");
            installCrds();
        }
        return Map.of();
    }

    public static Path kubeconfig() {
        return kubeconfig;
    }

    public static KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(readKubeconfig())).build();
    }

    private static String readKubeconfig() {
        try {
            return Files.readString(kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void installCrds() {
        try (var client = newClient(); var files = Files.list(Path.of("kubernetes", "crd"))) {
            for (var file : files.filter(f -> f.toString().endsWith("-v1.yml")).sorted().toList()) {
                List<HasMetadata> items = client.load(Files.newInputStream(file)).items();
                for (var item : items) {
                    client.resource(item).serverSideApply();
                    LOG.infof("installed %s", item.getMetadata().getName());
                }
            }
            for (var crd : List.of("agentruns", "agentproviders", "agentconfigs", "agentpolicies")) {
                client.apiextensions().v1().customResourceDefinitions().withName(crd + ".agent.xonovex.com")
                        // a CRD's first status may come without conditions: not established yet
                        .waitUntilCondition(c -> c != null && c.getStatus() != null
                                && c.getStatus().getConditions() != null
                                && c.getStatus().getConditions().stream().anyMatch(
                                        cond -> "Established".equals(cond.getType())
                                                && "True".equals(cond.getStatus())),
                                60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // one API server for the whole test JVM; stopped by the shutdown hook below
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (server != null) {
                server.stop();
            }
        }));
    }
}
