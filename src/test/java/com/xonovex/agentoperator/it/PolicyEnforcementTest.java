package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentPolicy;
import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.EgressMode;
import com.xonovex.agentoperator.api.EgressPolicy;
import com.xonovex.agentoperator.api.ImagePolicy;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.SchedulingPolicy;
import com.xonovex.agentoperator.status.Reasons;
import com.xonovex.agentoperator.workload.ChildNames;
import com.xonovex.agentoperator.workload.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The namespace's AgentPolicy enforced by the operator itself (tier 2, the operator in-process against the real API
 * server): a run admitted before the policy existed fails with PolicyViolation and creates nothing; under a policy
 * that restricts egress every run gets a NetworkPolicy of its own, owned by it, selecting only its pod.
 */
@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class PolicyEnforcementTest extends OperatorTest {
    private static final List<String> NON_PUBLIC = List.of("10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
            "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16");

    private void policy(AgentPolicySpec spec) {
        var policy = new AgentPolicy();
        policy.getMetadata().setName(AgentPolicy.NAME);
        policy.getMetadata().setNamespace(namespace);
        policy.setSpec(spec);
        client.resource(policy).create();
    }

    private static AgentPolicySpec imagesFrom(String pattern) {
        var spec = new AgentPolicySpec();
        var images = new ImagePolicy();
        images.setAllowed(List.of(pattern));
        spec.setImages(images);
        return spec;
    }

    private AgentRun createWithProvider(String name, String image) {
        var run = newRun(name);
        run.getSpec().setProviderRef("gemini-provider");
        run.getSpec().setImage(image);
        return create(run);
    }

    private void readyProvider() {
        secret("gemini-credentials", "api-key");
        provider("gemini-provider", "gemini-credentials", "api-key");
    }

    private Job job(String name) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    private List<NetworkPolicy> networkPolicies() {
        return client.network().v1().networkPolicies().inNamespace(namespace).list().getItems();
    }

    @Test
    void aRunAdmittedBeforeThePolicyExistedFailsWithPolicyViolationNamingTheRuleAndCreatesNothing() {
        // the run waits for its provider, so it is still unstarted when the policy arrives
        createWithProvider("early", "evil.example.com/runner:1");
        awaitPendingBecause("early", "ProviderNotFound");
        policy(imagesFrom("example.com/*"));
        readyProvider();

        var failed = awaitPhase("early", Phase.FAILED);
        assertThat(condition(failed, "Failed").getReason()).isEqualTo(Reasons.POLICY_VIOLATION);
        assertThat(failed.getStatus().getMessage()).contains("evil.example.com/runner:1").contains("images.allowed");
        await().atMost(TIMEOUT).until(() -> events("early").stream().anyMatch(e -> "Warning".equals(e.getType())
                && e.getMessage().contains("images.allowed")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> job("early") == null);
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(namespace).withLabel(Labels.MANAGED_BY).list().getItems())
                .isEmpty();
        assertThat(networkPolicies()).isEmpty();
        assertThat(failed.getStatus().getJobName()).isNull();
    }

    @Test
    void aRunThatKeepsThePolicyStartsAsBefore() {
        policy(imagesFrom("example.com/*"));
        readyProvider();
        createWithProvider("allowed", "example.com/agent-runner:2");
        await().atMost(TIMEOUT).until(() -> job("allowed") != null);
        assertThat(get("allowed").getStatus().getPhase()).isEqualTo(Phase.PENDING);
    }

    @Test
    void underRestrictedEgressEachRunGetsItsOwnNetworkPolicyOwnedByItAndSelectingOnlyItsPod() {
        var spec = imagesFrom("example.com/*");
        var egress = new EgressPolicy();
        egress.setAllowCIDRs(List.of("10.0.5.0/24"));
        spec.setEgress(egress);
        policy(spec);
        readyProvider();
        var first = createWithProvider("first", "example.com/agent-runner:2");
        var second = createWithProvider("second", "example.com/agent-runner:2");
        await().atMost(TIMEOUT).until(() -> job("first") != null && job("second") != null);

        assertThat(networkPolicies()).hasSize(2);
        for (var run : List.of(first, second)) {
            var uid = run.getMetadata().getUid();
            var networkPolicy = client.network().v1().networkPolicies().inNamespace(namespace)
                    .withName(ChildNames.networkPolicy(run)).get();
            assertThat(networkPolicy).as("NetworkPolicy of " + run.getMetadata().getName()).isNotNull();
            assertThat(networkPolicy.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getUid()).isEqualTo(uid);
                assertThat(owner.getKind()).isEqualTo("AgentRun");
                assertThat(owner.getController()).isTrue();
            });
            var policySpec = networkPolicy.getSpec();
            assertThat(policySpec.getPodSelector().getMatchLabels()).isEqualTo(Map.of(Labels.RUN_UID, uid));
            assertThat(job(run.getMetadata().getName()).getSpec().getTemplate().getMetadata().getLabels())
                    .as("the run's pod carries the label its NetworkPolicy selects").containsEntry(Labels.RUN_UID, uid);
            assertThat(policySpec.getPolicyTypes()).containsExactly("Ingress", "Egress");
            assertThat(policySpec.getIngress()).isNullOrEmpty();
            // the provider (http://proxy:8317, OperatorTest) and the https repository; the admin's CIDR on any port
            assertThat(policySpec.getEgress()).extracting(PolicyEnforcementTest::describe).containsExactly(
                    "* -> UDP/53 TCP/53",
                    "0.0.0.0/0 except " + NON_PUBLIC + ", ::/0 except [::1/128, fc00::/7, fe80::/10] -> TCP/443 TCP/8317",
                    "10.0.5.0/24 -> *");
        }
    }

    @Test
    void openEgressCreatesNoNetworkPolicyButThePolicysRuntimeClassIsImposed() {
        var spec = imagesFrom("example.com/*");
        var egress = new EgressPolicy();
        egress.setMode(EgressMode.OPEN);
        spec.setEgress(egress);
        var scheduling = new SchedulingPolicy();
        scheduling.setRuntimeClassName("gvisor");
        spec.setScheduling(scheduling);
        policy(spec);
        readyProvider();
        createWithProvider("open", "example.com/agent-runner:2");
        await().atMost(TIMEOUT).until(() -> job("open") != null);
        assertThat(networkPolicies()).isEmpty();
        assertThat(job("open").getSpec().getTemplate().getSpec().getRuntimeClassName()).isEqualTo("gvisor");
    }

    private List<Event> events(String runName) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> runName.equals(e.getInvolvedObject().getName())).toList();
    }

    private static String describe(NetworkPolicyEgressRule rule) {
        var to = rule.getTo() == null || rule.getTo().isEmpty() ? "*"
                : String.join(", ", rule.getTo().stream().map(p -> p.getIpBlock().getCidr()
                        + (p.getIpBlock().getExcept() == null || p.getIpBlock().getExcept().isEmpty() ? ""
                                : " except " + p.getIpBlock().getExcept())).toList());
        var ports = rule.getPorts() == null || rule.getPorts().isEmpty() ? "*"
                : String.join(" ", rule.getPorts().stream().map(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                        .toList());
        return to + " -> " + ports;
    }
}
