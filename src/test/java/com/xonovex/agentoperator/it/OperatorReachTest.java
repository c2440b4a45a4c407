package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.TestBinaries;
import com.xonovex.agentoperator.TestCommands;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/**
 * What the operator's ServiceAccount may do, as the Helm chart grants it, asked of the real API server with
 * {@code kubectl auth can-i --as=system:serviceaccount:...}: in namespaced mode ({@code rbac.clusterWide=false}) it
 * has no Secret, Job or pod access outside the chosen namespaces, and nowhere a verb the operator does not call.
 */
class OperatorReachTest extends ClusterTest {
    private static final Set<String> RBAC_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
            "RoleBinding");

    /** Renders the chart into the namespace {@code operator} and applies its ServiceAccount and RBAC objects. */
    private void install(String operator, String... values) throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(operator).endMetadata()
                .build()).create();
        var command = new ArrayList<>(List.of(TestBinaries.path("helm").toString(), "template", "agent-operator",
                "helm/agent-operator", "-n", operator));
        command.addAll(List.of(values));
        var builder = new ProcessBuilder(command);
        for (var home : List.of("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME")) {
            builder.environment().put(home, Files.createTempDirectory("helm").toString());
        }
        var rendered = TestCommands.run(builder);
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        List<HasMetadata> items = client.load(new ByteArrayInputStream(rendered.output().getBytes(
                StandardCharsets.UTF_8))).items();
        for (var item : items) {
            if (RBAC_KINDS.contains(item.getKind())) {
                if (item.getMetadata().getNamespace() == null && !item.getKind().startsWith("Cluster")) {
                    item.getMetadata().setNamespace(operator);
                }
                // the ClusterRoles are the same for every test: applying them again is harmless
                client.resource(item).forceConflicts().serverSideApply();
            }
        }
    }

    /** {@code kubectl auth can-i}: "yes" or "no" for {@code verb resource} in {@code where} (-n x or -A). */
    private String canI(String operator, String verb, String resource, String... where) throws Exception {
        // kubectl takes a subresource as a flag: resource/status would be read as the object named status
        var parts = resource.split("/", 2);
        var args = new ArrayList<>(List.of("auth", "can-i", verb, parts[0],
                "--as=system:serviceaccount:" + operator + ":agent-operator"));
        if (parts.length > 1) {
            args.add("--subresource=" + parts[1]);
        }
        args.addAll(List.of(where));
        var result = SamplesTest.kubectl(args.toArray(String[]::new));
        return result.output().strip().lines().reduce((a, b) -> b).orElse("");
    }

    @Test
    void namespacedModeGrantsSecretsJobsAndPodsOnlyInTheChosenNamespaces() throws Exception {
        var operator = namespace + "-op";
        var other = namespace + "-other";
        install(operator, "--set", "app.rbac.clusterWide=false", "--set", "app.rbac.namespaces={" + namespace + "}");

        for (var allowed : List.of("get secrets", "watch secrets", "create jobs.batch", "patch jobs.batch",
                "watch pods", "create persistentvolumeclaims", "create configmaps",
                "create networkpolicies.networking.k8s.io", "watch agentpolicies.agent.xonovex.com",
                "patch agentruns.agent.xonovex.com/status", "delete agentruns.agent.xonovex.com")) {
            var verbResource = allowed.split(" ");
            assertThat(canI(operator, verbResource[0], verbResource[1], "-n", namespace)).as(allowed + " in "
                    + namespace).isEqualTo("yes");
            assertThat(canI(operator, verbResource[0], verbResource[1], "-n", other)).as(allowed + " elsewhere")
                    .isEqualTo("no");
        }
        for (var clusterWide : List.of("get secrets", "list secrets", "watch secrets", "create jobs.batch",
                "list pods", "list agentruns.agent.xonovex.com")) {
            var verbResource = clusterWide.split(" ");
            assertThat(canI(operator, verbResource[0], verbResource[1], "-A")).as(clusterWide + " cluster-wide")
                    .isEqualTo("no");
        }
        // the Lease of leader election, in the operator's own namespace only
        assertThat(canI(operator, "update", "leases.coordination.k8s.io", "-n", operator)).isEqualTo("yes");
        assertThat(canI(operator, "update", "leases.coordination.k8s.io", "-n", namespace)).isEqualTo("no");
    }

    @Test
    void noModeGrantsAVerbTheOperatorDoesNotCall() throws Exception {
        var operator = namespace + "-op";
        install(operator);
        for (var unused : List.of("list secrets", "create secrets", "create pods", "delete jobs.batch",
                "update jobs.batch", "delete persistentvolumeclaims", "update configmaps",
                "delete networkpolicies.networking.k8s.io", "create agentruns.agent.xonovex.com",
                "update agentruns.agent.xonovex.com", "update agentruns.agent.xonovex.com/status",
                "update agentruns.agent.xonovex.com/finalizers", "create agentproviders.agent.xonovex.com",
                "delete agentproviders.agent.xonovex.com", "update agentconfigs.agent.xonovex.com",
                "delete agentconfigs.agent.xonovex.com", "create agentpolicies.agent.xonovex.com",
                "patch agentpolicies.agent.xonovex.com")) {
            var verbResource = unused.split(" ");
            assertThat(canI(operator, verbResource[0], verbResource[1], "-n", namespace)).as(unused).isEqualTo("no");
        }
        // cluster-wide mode is what it says: the operator's reach is every namespace (README "Security model")
        assertThat(canI(operator, "watch", "secrets", "-A")).isEqualTo("yes");
        assertThat(canI(operator, "create", "jobs.batch", "-A")).isEqualTo("yes");
    }
}
