package com.xonovex.agentoperator.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.EgressMode;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

/**
 * The NetworkPolicy of a run whose namespace's AgentPolicy restricts egress (the default). It selects the run's pod by
 * the run's UID label, which only the operator sets, allows no ingress, and allows egress to:
 * <ul>
 * <li>DNS (port 53, UDP and TCP) anywhere: clusters name their DNS pods differently, and the cluster's resolver
 * forwards names out anyway, so narrowing port 53 would not close DNS as a channel;</li>
 * <li>the TCP ports of the run's endpoints (provider API, repository, forge API; see {@link EgressEndpoints}) on any
 * public address: every IPv4 and IPv6 address except the private, shared, link-local and loopback ranges, so not the
 * cluster's pods and Services, the node, or a cloud's metadata service (169.254.169.254);</li>
 * <li>an endpoint given as a literal IP address, on its port, wherever it is;</li>
 * <li>the AgentPolicy's allowCIDRs, any port (an in-cluster proxy, a mirror).</li>
 * </ul>
 * NetworkPolicy matches addresses, not host names, and the operator does not resolve names: an address resolved by
 * the operator would be neither the one the pod's resolver returns (CDNs, split DNS) nor stable for a long run. So a
 * restricted pod can reach any public host on its endpoints' ports, not only those hosts; an endpoint inside the
 * cluster (a name without a public address) is reachable only through allowCIDRs. Host-exact filtering needs an
 * FQDN-aware network plugin or an egress proxy. The endpoints are recorded in an annotation for humans.
 */
public final class EgressPolicyBuilder {
    public static final String ENDPOINTS_ANNOTATION = "agent.xonovex.com/egress-endpoints";
    /** Addresses that are not the public internet: RFC 1918, shared (CGNAT), link-local, loopback, ULA. */
    static final List<String> NON_PUBLIC_V4 = List.of("10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
            "172.16.0.0/12", "192.168.0.0/16");
    static final List<String> NON_PUBLIC_V6 = List.of("::1/128", "fc00::/7", "fe80::/10");

    private EgressPolicyBuilder() {
    }

    /** The run's NetworkPolicy, or none when there is no AgentPolicy or it leaves egress open. */
    public static Optional<NetworkPolicy> build(AgentRun run, ResolvedRun resolved, AgentPolicySpec policy) {
        if (policy == null || policy.getEgress() != null && policy.getEgress().getMode() == EgressMode.OPEN) {
            return Optional.empty();
        }
        var endpoints = EgressEndpoints.of(run, resolved);
        var rules = new ArrayList<NetworkPolicyEgressRule>();
        rules.add(new NetworkPolicyEgressRuleBuilder().withPorts(port("UDP", 53), port("TCP", 53)).build());
        var ports = endpoints.stream().map(EgressEndpoints.Endpoint::port).collect(Collectors.toCollection(
                TreeSet::new));
        rules.add(new NetworkPolicyEgressRuleBuilder()
                .withTo(block("0.0.0.0/0", NON_PUBLIC_V4), block("::/0", NON_PUBLIC_V6))
                .withPorts(ports.stream().map(p -> port("TCP", p)).toList())
                .build());
        // a literal address is stable and exact: allowed on its port even when it is a private one
        var literal = new LinkedHashMap<String, TreeSet<Integer>>();
        endpoints.stream().filter(e -> EgressEndpoints.isAddress(e.host())).forEach(e -> literal
                .computeIfAbsent(EgressEndpoints.cidr(e.host()), k -> new TreeSet<>()).add(e.port()));
        literal.forEach((cidr, literalPorts) -> rules.add(new NetworkPolicyEgressRuleBuilder()
                .withTo(block(cidr, List.of()))
                .withPorts(literalPorts.stream().map(p -> port("TCP", p)).toList())
                .build()));
        var extra = policy.getEgress() == null || policy.getEgress().getAllowCIDRs() == null ? List.<String> of()
                : policy.getEgress().getAllowCIDRs();
        if (!extra.isEmpty()) {
            rules.add(new NetworkPolicyEgressRuleBuilder().withTo(extra.stream().map(c -> block(c, List.of()))
                    .toList()).build());
        }
        var annotations = new LinkedHashMap<>(Labels.annotations(run));
        annotations.put(ENDPOINTS_ANNOTATION, endpoints.stream().map(Object::toString).collect(Collectors.joining(
                " ")));
        return Optional.of(new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(ChildNames.networkPolicy(run))
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(Labels.forChildren(run, resolved.agent().type()))
                .withAnnotations(annotations)
                .withOwnerReferences(Owners.controller(run))
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector().addToMatchLabels(Labels.RUN_UID, run.getMetadata().getUid()).endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .withEgress(rules)
                .endSpec()
                .build());
    }

    private static NetworkPolicyPeer block(String cidr, List<String> except) {
        return new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).withExcept(except.isEmpty() ? null
                : except).endIpBlock().build();
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }
}
