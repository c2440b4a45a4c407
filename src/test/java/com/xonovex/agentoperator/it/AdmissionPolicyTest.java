package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.xonovex.agentoperator.policy.PolicyCases;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The AgentPolicy enforced at admission by the real API server, through the ValidatingAdmissionPolicies of
 * kubernetes/policy/ (the ones the chart and the generated manifests carry): every rule refuses a violating run with
 * its message (the same table of cases as PolicyCheckerTest), and only those who may govern AgentPolicies can change
 * one.
 */
class AdmissionPolicyTest extends ClusterTest {
    static final Path POLICY_DIR = Path.of("kubernetes", "policy");

    static List<PolicyCases> cases() {
        return PolicyCases.all();
    }

    /** Installs kubernetes/policy/ (idempotent: the API server is shared by the test JVM's classes). */
    @BeforeAll
    static void installAdmissionPolicies() {
        KubeApiServerResource.startServer();
        try (var admin = KubeApiServerResource.newClient()) {
            for (var file : List.of("admission.yaml", "roles.yaml")) {
                for (HasMetadata item : admin.load(Files.newInputStream(POLICY_DIR.resolve(file))).items()) {
                    admin.resource(item).forceConflicts().serverSideApply();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GenericKubernetesResource agentPolicy(String namespace, Map<String, Object> spec) {
        var policy = new GenericKubernetesResource();
        policy.setApiVersion("agent.xonovex.com/v1alpha1");
        policy.setKind("AgentPolicy");
        policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        policy.getMetadata().setName("default");
        policy.getMetadata().setNamespace(namespace);
        policy.setAdditionalProperty("spec", spec);
        return policy;
    }

    private GenericKubernetesResource run(String name, Map<String, Object> spec) {
        var run = new GenericKubernetesResource();
        run.setApiVersion("agent.xonovex.com/v1alpha1");
        run.setKind("AgentRun");
        run.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        run.getMetadata().setName(name);
        run.getMetadata().setNamespace(namespace);
        run.setAdditionalProperty("spec", spec);
        return run;
    }

    /**
     * The admission policy sees a new AgentPolicy once the API server's informer has it: wait until a run that only
     * the policy refuses is refused (a dry run, so nothing is left behind).
     */
    static void awaitPolicyInEffect(KubernetesClient client, String namespace) {
        var probe = new GenericKubernetesResource();
        probe.setApiVersion("agent.xonovex.com/v1alpha1");
        probe.setKind("AgentRun");
        probe.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        probe.getMetadata().setName("policy-probe");
        probe.getMetadata().setNamespace(namespace);
        var spec = PolicyCases.baseRun();
        spec.put("env", List.of(Map.of("name", "ANTHROPIC_BASE_URL", "value", "https://probe.example.com")));
        probe.setAdditionalProperty("spec", spec);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                client.resource(probe).dryRun().create();
                return false;
            } catch (KubernetesClientException e) {
                return e.getMessage().contains("env.deniedNames");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachRuleRefusesAViolatingRunAtAdmissionWithItsMessage(PolicyCases c) {
        var policy = new java.util.LinkedHashMap<String, Object>(c.policy() == null ? Map.of() : c.policy());
        // every case's policy also keeps the default denied names, which awaitPolicyInEffect relies on
        if (policy.get("env") instanceof Map<?, ?> env && env.containsKey("deniedNames")) {
            @SuppressWarnings("unchecked")
            var denied = new java.util.ArrayList<>((List<String>) env.get("deniedNames"));
            denied.add("ANTHROPIC_BASE_URL");
            var copy = new java.util.LinkedHashMap<String, Object>();
            env.forEach((k, v) -> copy.put((String) k, v));
            copy.put("deniedNames", denied);
            policy.put("env", copy);
        }
        client.resource(agentPolicy(namespace, policy)).create();
        awaitPolicyInEffect(client, namespace);
        var run = run("case", c.runSpec());
        if (c.refused()) {
            assertThatThrownBy(() -> client.resource(run).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("agent-operator-run-policy").contains(c.message());
                    });
        } else {
            assertThat(client.resource(run).create().getMetadata().getUid()).isNotBlank();
        }
    }

    @Test
    void aNamespaceWithoutAPolicyIsNotRestricted() {
        var spec = PolicyCases.baseRun();
        spec.put("env", List.of(Map.of("name", "ANTHROPIC_BASE_URL", "value", "https://gateway.example.com")));
        spec.put("image", "anything.example.com/runner:latest");
        assertThat(client.resource(run("free", spec)).create()).isNotNull();
    }

    @Test
    void anAgentPolicyMustBeNamedDefault() {
        var policy = agentPolicy(namespace, Map.of());
        policy.getMetadata().setName("strict");
        assertThatThrownBy(() -> client.resource(policy).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("an AgentPolicy must be named default");
                });
    }

    @Test
    void onlyThoseWhoMayGovernAgentPoliciesCanChangeOne() {
        // a run author whose role can write AgentPolicies (as OLM's generated edit role can), but not govern them
        client.resource(new RoleBuilder().withNewMetadata().withName("writer").withNamespace(namespace).endMetadata()
                .addNewRule().withApiGroups("agent.xonovex.com").withResources("agentpolicies", "agentruns")
                .withVerbs("get", "list", "create", "update", "patch", "delete").endRule().build()).create();
        client.resource(new RoleBuilder().withNewMetadata().withName("governor").withNamespace(namespace).endMetadata()
                .addNewRule().withApiGroups("agent.xonovex.com").withResources("agentpolicies")
                .withVerbs("get", "list", "create", "update", "patch", "delete", "govern").endRule().build()).create();
        for (var user : List.of("author", "admin-of-" + namespace)) {
            client.resource(new RoleBindingBuilder().withNewMetadata().withName(user).withNamespace(namespace)
                    .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role",
                            user.equals("author") ? "writer" : "governor")
                    .addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(user)
                    .endSubject().build()).create();
        }
        try (var author = impersonating("author")) {
            // the API server applies a new ValidatingAdmissionPolicy (installed by @BeforeAll) once its informer
            // has it: wait until a dry run is refused, then check the real create is
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    author.resource(agentPolicy(namespace, Map.of())).dryRun().create();
                    return false;
                } catch (KubernetesClientException e) {
                    return e.getMessage().contains("needs the verb govern on agentpolicies");
                }
            });
            assertThatThrownBy(() -> author.resource(agentPolicy(namespace, Map.of())).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("needs the verb govern on agentpolicies");
                    });
        }
        try (var admin = impersonating("admin-of-" + namespace)) {
            assertThat(admin.resource(agentPolicy(namespace, Map.of())).create()).isNotNull();
        }
        try (var author = impersonating("author")) {
            assertThatThrownBy(() -> author.genericKubernetesResources("agent.xonovex.com/v1alpha1", "AgentPolicy")
                    .inNamespace(namespace).withName("default").delete())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("needs the verb govern on agentpolicies");
                    });
        }
        try (var admin = impersonating("admin-of-" + namespace)) {
            assertThat(admin.genericKubernetesResources("agent.xonovex.com/v1alpha1", "AgentPolicy")
                    .inNamespace(namespace).withName("default").get()).as("the policy the author could not delete")
                    .isNotNull();
        }
    }

    private KubernetesClient impersonating(String user) {
        var config = Config.fromKubeconfig(readKubeconfig());
        config.setImpersonateUsername(user);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String readKubeconfig() {
        try {
            return Files.readString(KubeApiServerResource.kubeconfig());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
