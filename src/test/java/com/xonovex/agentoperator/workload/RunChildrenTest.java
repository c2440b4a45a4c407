package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.EgressMode;
import com.xonovex.agentoperator.api.EgressPolicy;
import com.xonovex.agentoperator.api.PodLabelPolicy;
import com.xonovex.agentoperator.api.SchedulingPolicy;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.resolve.ProviderSettings;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;

/** What a run creates under its namespace's AgentPolicy: the NetworkPolicy, and what the policy imposes on the pod. */
class RunChildrenTest {
    private static ResolvedRun resolved(Map<String, String> providerEnv) {
        var adapter = AgentAdapter.forType(AgentType.CLAUDE);
        return new ResolvedRun(adapter, new ProviderSettings("p", new SecretKeyRef("s", "k"),
                adapter.defaultTokenEnv(), providerEnv), "example.com/agent-runner:1", Duration.ofMinutes(30),
                Optional.empty(), "5Gi", List.of());
    }

    private static List<HasMetadata> children(AgentPolicySpec policy, Map<String, String> providerEnv) {
        return RunChildren.of(Fixtures.run("fix", AgentType.CLAUDE), resolved(providerEnv), Fixtures.config(), policy);
    }

    private static <T> T only(List<HasMetadata> children, Class<T> type) {
        return children.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Test
    void withoutAPolicyThereIsNoNetworkPolicyAndThePodIsAsBefore() {
        var children = children(null, Map.of());
        assertThat(children).extracting(HasMetadata::getKind).containsExactly("PersistentVolumeClaim", "ConfigMap",
                "Job");
        var pod = only(children, Job.class).getSpec().getTemplate();
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "a").doesNotContainKey(Labels.RUN_UID);
        assertThat(pod.getSpec().getRuntimeClassName()).isNull();
    }

    private static final String PUBLIC = "0.0.0.0/0 except 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 "
            + "172.16.0.0/12 192.168.0.0/16, ::/0 except ::1/128 fc00::/7 fe80::/10";

    @Test
    void aRestrictedPolicyGivesTheRunANetworkPolicyBeforeItsJob() {
        var policy = new AgentPolicySpec();
        var egress = new EgressPolicy();
        egress.setAllowCIDRs(List.of("10.0.5.0/24"));
        policy.setEgress(egress);
        var children = children(policy, Map.of("ANTHROPIC_BASE_URL", "https://gateway.example.com:8443/anthropic"));
        assertThat(children).extracting(HasMetadata::getKind).containsExactly("PersistentVolumeClaim", "ConfigMap",
                "NetworkPolicy", "Job");
        var networkPolicy = only(children, NetworkPolicy.class);
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        assertThat(networkPolicy.getMetadata().getName()).isEqualTo(ChildNames.networkPolicy(run))
                .isEqualTo(ChildNames.of(run).workspaceClaim().replace("-workspace", "-egress"));
        assertThat(networkPolicy.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-fix"))
                .satisfies(o -> assertThat(o.getController()).isTrue());
        var spec = networkPolicy.getSpec();
        assertThat(spec.getPodSelector().getMatchLabels()).containsExactly(Map.entry(Labels.RUN_UID, "uid-fix"));
        assertThat(spec.getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(spec.getIngress()).isNullOrEmpty();
        // the provider on 8443, the https repository on 443: public addresses only; the admin's CIDR on any port
        assertThat(spec.getEgress()).extracting(RunChildrenTest::describe).containsExactly(
                "* -> UDP/53 TCP/53",
                PUBLIC + " -> TCP/443 TCP/8443",
                "10.0.5.0/24 -> *");
        assertThat(networkPolicy.getMetadata().getAnnotations()).containsEntry(
                EgressPolicyBuilder.ENDPOINTS_ANNOTATION, "gateway.example.com:8443 example.com:443");

        var pod = only(children, Job.class).getSpec().getTemplate();
        assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.RUN_UID, "uid-fix")
                .containsEntry(Labels.MANAGED_BY, "agent-operator")
                .as("the run's labels stay off the pod unless the policy lets them through").doesNotContainKey("team");
    }

    @Test
    void aProviderWithoutBaseUrlIsAnthropicsAndALiteralAddressIsAllowedExactlyEvenWhenPrivate() {
        var children = children(new AgentPolicySpec(), Map.of());
        assertThat(only(children, NetworkPolicy.class).getSpec().getEgress()).extracting(RunChildrenTest::describe)
                .containsExactly("* -> UDP/53 TCP/53", PUBLIC + " -> TCP/443");
        assertThat(only(children, NetworkPolicy.class).getMetadata().getAnnotations()).containsEntry(
                EgressPolicyBuilder.ENDPOINTS_ANNOTATION, "api.anthropic.com:443 example.com:443");

        var literal = children(new AgentPolicySpec(), Map.of("ANTHROPIC_BASE_URL", "http://10.96.0.20:8317"));
        assertThat(only(literal, NetworkPolicy.class).getSpec().getEgress()).extracting(RunChildrenTest::describe)
                .containsExactly("* -> UDP/53 TCP/53", PUBLIC + " -> TCP/443 TCP/8317", "10.96.0.20/32 -> TCP/8317");
    }

    @Test
    void anOpenPolicyHasNoNetworkPolicyButStillImposesRuntimeClassAndLabels() {
        var policy = new AgentPolicySpec();
        var egress = new EgressPolicy();
        egress.setMode(EgressMode.OPEN);
        policy.setEgress(egress);
        var scheduling = new SchedulingPolicy();
        scheduling.setRuntimeClassName("gvisor");
        policy.setScheduling(scheduling);
        var labels = new PodLabelPolicy();
        labels.setAllowedKeys(List.of("te*"));
        policy.setPodLabels(labels);
        var children = children(policy, Map.of());
        assertThat(children).extracting(HasMetadata::getKind).doesNotContain("NetworkPolicy");
        var pod = only(children, Job.class).getSpec().getTemplate();
        assertThat(pod.getSpec().getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "a");
    }

    @Test
    void endpointsOfEveryAddressForm() {
        assertThat(EgressEndpoints.parse("https://github.com/org/repo.git")).contains(
                new EgressEndpoints.Endpoint("github.com", 443));
        assertThat(EgressEndpoints.parse("ssh://git@example.com:2222/org/repo.git")).contains(
                new EgressEndpoints.Endpoint("example.com", 2222));
        assertThat(EgressEndpoints.parse("git@github.com:org/repo.git")).contains(
                new EgressEndpoints.Endpoint("github.com", 22));
        assertThat(EgressEndpoints.parse("http://litellm-proxy:8317")).contains(
                new EgressEndpoints.Endpoint("litellm-proxy", 8317));
        assertThat(EgressEndpoints.parse("https://[2001:db8::1]/v1")).contains(
                new EgressEndpoints.Endpoint("2001:db8::1", 443));
        assertThat(EgressEndpoints.isAddress("2001:db8::1")).isTrue();
        assertThat(EgressEndpoints.isAddress("10.0.0.1")).isTrue();
        assertThat(EgressEndpoints.isAddress("10.0.0.256")).isFalse();
        assertThat(EgressEndpoints.isAddress("litellm-proxy")).isFalse();
        assertThat(EgressEndpoints.isAddress("cafe")).as("a name made of hex digits").isFalse();
    }

    private static String describe(NetworkPolicyEgressRule rule) {
        var to = rule.getTo() == null || rule.getTo().isEmpty() ? "*"
                : String.join(", ", rule.getTo().stream().map(p -> p.getIpBlock().getCidr()
                        + (p.getIpBlock().getExcept() == null || p.getIpBlock().getExcept().isEmpty() ? ""
                                : " except " + String.join(" ", p.getIpBlock().getExcept()))).toList());
        var ports = rule.getPorts() == null || rule.getPorts().isEmpty() ? "*"
                : String.join(" ", rule.getPorts().stream().map(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                        .toList());
        return to + " -> " + ports;
    }
}
