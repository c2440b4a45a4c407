package com.xonovex.agentoperator.helm;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.xonovex.agentoperator.TestBinaries;
import com.xonovex.agentoperator.TestCommands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The Helm chart in helm/agent-operator: the one the build generates, lint-clean, rendering its values, and
 * installable; the packaged operator, running with nothing but the chart's ServiceAccount token, reconciles a run.
 */
class HelmChartIT {
    private static final Path CHART = Path.of("helm", "agent-operator");
    private static final Path GENERATED = Path.of("target", "helm", "kubernetes", "agent-operator");
    private static KubeAPIServer server;
    private static Path adminKubeconfig;
    private static KubernetesClient admin;

    @BeforeAll
    static void startApiServer() throws IOException {
        server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig().withOfflineMode(true)
                .withUpdateKubeConfig(false).withStartupTimeout(120_000).build());
        server.start();
        adminKubeconfig = Files.createTempFile("helm-it-admin", ".kubeconfig");
        Files.writeString(adminKubeconfig, server.getKubeConfigYaml());
        admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    }

    @AfterAll
    static void stopApiServer() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theCommittedChartIsTheGeneratedOne() throws IOException {
        var committed = TestCommands.files(CHART);
        assertThat(committed).as("files of %s", CHART).isEqualTo(TestCommands.files(GENERATED));
        for (var file : committed) {
            var description = file + " differs from the generated chart; refresh with: rm -r helm/agent-operator && "
                    + "cp -r " + GENERATED + " helm/";
            if (file.startsWith("templates/")) {
                // the generator orders env variables and RBAC rules differently from build to build: same lines,
                // in any order
                assertThat(Files.readAllLines(CHART.resolve(file))).as(description)
                        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(GENERATED.resolve(file)));
            } else {
                assertThat(Files.readString(CHART.resolve(file))).as(description)
                        .isEqualTo(Files.readString(GENERATED.resolve(file)));
            }
        }
    }

    @Test
    void theChartPassesHelmLint() throws Exception {
        var lint = helm("lint", "--strict", CHART.toString());
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("0 chart(s) failed");
    }

    @Test
    void defaultValuesRenderARestrictedSingleReplicaOperatorWithoutServiceMonitor() throws Exception {
        var resources = template("ops");
        assertThat(resources).extracting(HasMetadata::getKind).contains("ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment").doesNotContain("ServiceMonitor");
        var deployment = deployment(resources);
        var pod = deployment.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(container.getImage()).isEqualTo("ghcr.io/xonovex/agent-operator:0.1.0-SNAPSHOT");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(pod.getServiceAccountName()).isEqualTo("agent-operator");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        // the root filesystem is read-only; Vert.x needs a writable java.io.tmpdir to start (found on the real node)
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(m.getName());
                assertThat(v.getEmptyDir()).isNotNull();
            });
        });
        assertThat(env(container)).containsEntry("AGENT_OPERATOR_DEFAULT_IMAGE", "ghcr.io/xonovex/agent-runner:latest")
                .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTRUN_NAMESPACES", "JOSDK_ALL_NAMESPACES")
                .containsEntry("AGENT_OPERATOR_LEADER_ELECTION_ENABLED", "true")
                .containsEntry("QUARKUS_LOG_LEVEL", "INFO");
        assertThat(resources).filteredOn(r -> r.getKind().equals("ClusterRoleBinding"))
                .allSatisfy(b -> assertThat(Serialization.asYaml(b)).contains("namespace: \"ops\""));
    }

    @Test
    void valuesChangeWhatTheyName() throws Exception {
        var resources = template("ops", "--set", "app.replicas=2", "--set", "app.serviceMonitor.enabled=true",
                "--set", "app.image.repository=example.com/op", "--set", "app.image.tag=9",
                "--set", "app.image.pullPolicy=Always",
                "--set", "app.envs.QUARKUS_LOG_LEVEL=DEBUG",
                "--set", "app.envs.AGENT_OPERATOR_DEFAULT_IMAGE=example.com/runner:2",
                "--set", "app.envs.QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTRUN_NAMESPACES=team-a",
                "--set", "app.resources.limits.memory=1Gi",
                "--set", "app.nodeSelector.pool=ops",
                "--set", "app.tolerations[0].key=ops", "--set", "app.tolerations[0].operator=Exists");
        assertThat(resources).extracting(HasMetadata::getKind).contains("ServiceMonitor");
        // it scrapes the operator's Service only, not every Service of the namespace
        var serviceMonitor = resources.stream().filter(r -> r.getKind().equals("ServiceMonitor")).findFirst()
                .orElseThrow();
        var service = resources.stream().filter(r -> r.getKind().equals("Service")).findFirst().orElseThrow();
        var selector = Serialization.unmarshal(Serialization.asJson(serviceMonitor),
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class).get("spec", "selector", "matchLabels");
        assertThat(selector).isInstanceOf(java.util.Map.class);
        @SuppressWarnings("unchecked")
        var matchLabels = (java.util.Map<String, String>) selector;
        assertThat(matchLabels).isNotEmpty();
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
        var deployment = deployment(resources);
        var pod = deployment.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(container.getImage()).isEqualTo("example.com/op:9");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
        assertThat(env(container)).containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
                .containsEntry("AGENT_OPERATOR_DEFAULT_IMAGE", "example.com/runner:2")
                .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTRUN_NAMESPACES", "team-a");
        assertThat(pod.getNodeSelector()).containsEntry("pool", "ops");
        assertThat(pod.getTolerations()).extracting("key").containsExactly("ops");
    }

    @Test
    void theInstalledChartsRbacIsEnoughForTheOperatorToReconcile() throws Exception {
        installAndReconcile("agent-operator-system", "team-a");
    }

    @Test
    void withChosenNamespacesTheRolesAreGrantedThereOnlyAndSuffice() throws Exception {
        var namespaced = new String[] { "--set", "app.rbac.clusterWide=false", "--set", "app.rbac.namespaces={team-b}",
                "--set", "app.envs.QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTRUN_NAMESPACES=team-b",
                "--set", "app.envs.QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTPROVIDER_NAMESPACES=team-b",
                "--set", "app.envs.QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTCONFIG_NAMESPACES=team-b",
                "--set", "app.envs.QUARKUS_OPERATOR_SDK_CONTROLLERS_AGENTPOLICY_NAMESPACES=team-b" };
        var rendered = template("ops", namespaced);
        assertThat(rendered).filteredOn(r -> r.getKind().equals("ClusterRoleBinding"))
                .extracting(r -> r.getMetadata().getName())
                .noneMatch(n -> n.matches("agent(run|provider|config|policy)-cluster-role-binding"));
        assertThat(rendered).filteredOn(r -> r.getKind().equals("RoleBinding") && "team-b".equals(
                r.getMetadata().getNamespace())).extracting(r -> r.getMetadata().getName())
                .containsExactlyInAnyOrder("agentrun-cluster-role-binding", "agentprovider-cluster-role-binding",
                        "agentconfig-cluster-role-binding", "agentpolicy-cluster-role-binding");
        installAndReconcile("agent-operator-ns", "team-b", namespaced);
    }

    /**
     * Installs the chart, starts the packaged operator with nothing but a token of the chart's ServiceAccount, and
     * checks that it reconciles a run in {@code runs}; uninstalls afterwards (the CRDs stay, as Helm leaves them).
     */
    private void installAndReconcile(String namespace, String runs, String... values) throws Exception {
        // the namespace of the runs exists before the chart (which may bind roles in it)
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(runs).endMetadata().build())
                .create();
        var args = new ArrayList<>(List.of("install", "agent-operator", CHART.toString(), "-n", namespace,
                "--create-namespace", "--wait=false"));
        args.addAll(List.of(values));
        var install = helm(args.toArray(String[]::new));
        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(admin.apiextensions().v1().customResourceDefinitions().withName("agentruns.agent.xonovex.com")
                .get()).isNotNull();

        // the operator pod itself passes the restricted Pod Security Standard
        admin.namespaces().withName(namespace).edit(ns -> {
            ns.getMetadata().setLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted"));
            return ns;
        });
        var deployment = admin.apps().deployments().inNamespace(namespace).withName("agent-operator").get();
        var pod = new PodBuilder().withNewMetadata().withName("operator-pod").withNamespace(namespace).endMetadata()
                .withSpec(deployment.getSpec().getTemplate().getSpec()).build();
        assertThat(admin.resource(pod).dryRun().create()).isNotNull();

        var token = admin.serviceAccounts().inNamespace(namespace).withName("agent-operator")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
        var operatorKubeconfig = serviceAccountKubeconfig(token, namespace);
        var port = freePort();
        var log = Files.createTempFile("operator-", ".log");
        var process = new ProcessBuilder(javaBinary(), "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        process.environment().put("KUBECONFIG", operatorKubeconfig.toString());
        process.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        process.environment().put("AGENT_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", namespace);
        // the watched namespaces, as the chart's Deployment would set them
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().endsWith("_NAMESPACES") && e.getValue() != null)
                .forEach(e -> process.environment().put(e.getName(), e.getValue()));
        var operator = process.start();
        try {
            var http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120)).failFast("the operator exited", () -> !operator.isAlive())
                    .ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            admin.resource(new SecretBuilder().withNewMetadata().withName("creds").withNamespace(runs).endMetadata()
                    .addToStringData("api-key", "t").build()).create();
            createProvider(runs);
            admin.load(Files.newInputStream(Path.of("kubernetes", "samples", "run.yaml"))).inNamespace(runs).create();

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(admin.batch().v1().jobs().inNamespace(runs).withName("fix-auth-bug").get()).isNotNull();
                var run = admin.genericKubernetesResources("agent.xonovex.com/v1alpha1", "AgentRun").inNamespace(runs)
                        .withName("fix-auth-bug").get();
                assertThat(Serialization.asJson(run)).contains("\"jobName\":\"fix-auth-bug\"");
            });
            var claim = admin.genericKubernetesResources("agent.xonovex.com/v1alpha1", "AgentRun").inNamespace(runs)
                    .withName("fix-auth-bug").get().get("status", "workspaceClaimName").toString();
            assertThat(admin.persistentVolumeClaims().inNamespace(runs).withName(claim).get()).isNotNull();
            assertThat(admin.leases().inNamespace(namespace).withName("agent-operator-leader").get())
                    .as("leader election used the Lease in the release namespace").isNotNull();
            assertThat(Files.readString(log)).doesNotContain("Forbidden").doesNotContain("forbidden");
        } catch (AssertionError | RuntimeException e) {
            System.err.println("--- operator log ---\n" + Files.readString(log));
            throw e;
        } finally {
            operator.destroy();
            if (!operator.waitFor(20, TimeUnit.SECONDS)) {
                operator.destroyForcibly();
            }
            helm("uninstall", "agent-operator", "-n", namespace);
        }
    }

    private static void createProvider(String namespace) {
        admin.resource(Serialization.unmarshal("""
                apiVersion: agent.xonovex.com/v1alpha1
                kind: AgentProvider
                metadata:
                  name: gemini-provider
                spec:
                  agentTypes: [claude]
                  authTokenSecretRef:
                    name: creds
                    key: api-key
                """, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).inNamespace(namespace)
                .create();
    }

    private static Path serviceAccountKubeconfig(String token, String namespace) throws IOException {
        var adminConfig = Config.fromKubeconfig(server.getKubeConfigYaml());
        var ca = adminConfig.getCaCertData() != null ? adminConfig.getCaCertData()
                : java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(adminConfig.getCaCertFile())));
        var kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: agent-operator
                  user:
                    token: %s
                contexts:
                - name: agent-operator
                  context:
                    cluster: test
                    user: agent-operator
                    namespace: %s
                current-context: agent-operator
                """.formatted(adminConfig.getMasterUrl(), ca, token, namespace);
        var file = Files.createTempFile("helm-it-operator", ".kubeconfig");
        Files.writeString(file, kubeconfig);
        return file;
    }

    private static List<HasMetadata> template(String namespace, String... values) throws Exception {
        var args = new ArrayList<>(List.of("template", "agent-operator", CHART.toString(), "-n", namespace));
        args.addAll(List.of(values));
        var result = helm(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return admin.load(new java.io.ByteArrayInputStream(result.output().getBytes(StandardCharsets.UTF_8)))
                .items();
    }

    private static Deployment deployment(List<HasMetadata> resources) {
        return resources.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                .orElseThrow();
    }

    private static Map<String, String> env(io.fabric8.kubernetes.api.model.Container container) {
        var env = new java.util.HashMap<String, String>();
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    private static TestCommands.Result helm(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(TestBinaries.path("helm").toString());
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", adminKubeconfig.toString());
        builder.environment().put("HELM_CACHE_HOME", Files.createTempDirectory("helm-cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", Files.createTempDirectory("helm-config").toString());
        builder.environment().put("HELM_DATA_HOME", Files.createTempDirectory("helm-data").toString());
        return TestCommands.run(builder);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
