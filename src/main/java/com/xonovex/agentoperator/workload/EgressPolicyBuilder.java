package com.xonovex.agentoperator.workload;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

/**
 * The NetworkPolicy of a run whose namespace's AgentPolicy restricts egress (the default): it selects the run's pod
 * by the run's UID label, which only the operator sets on a run's pod, and allows no ingress and egress only to DNS,
 * the provider's API, the repository's host, the pull request's forge API, and the AgentPolicy's allowCIDRs.
 * NetworkPolicy knows no host names: they are resolved when the run starts, and the addresses recorded in an
 * annotation; a host whose addresses change later (a CDN) can become unreachable for a long run.
 */
public final class EgressPolicyBuilder {
    public static final String HOSTS_ANNOTATION = "agent.xonovex.com/egress-hosts";
    public static final String UNRESOLVED_ANNOTATION = "agent.xonovex.com/unresolved-hosts";

    /** Resolves a host name to its addresses; an address resolves to itself. */
    @FunctionalInterface
    public interface HostResolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        HostResolver DNS = host -> List.of(InetAddress.getAllByName(host));
    }

    private EgressPolicyBuilder() {
    }

    /** The run's NetworkPolicy, or none when there is no AgentPolicy or it leaves egress open. */
    public static Optional<NetworkPolicy> build(AgentRun run, ResolvedRun resolved, AgentPolicySpec policy,
            HostResolver resolver) {
        if (policy == null || policy.getEgress() != null && policy.getEgress().getMode() == EgressMode.OPEN) {
            return Optional.empty();
        }
        var rules = new ArrayList<NetworkPolicyEgressRule>();
        // DNS anywhere: the cluster's resolver forwards names out anyway, so limiting where port 53 goes would not
        // close DNS as a channel, and clusters name their DNS pods differently
        rules.add(new NetworkPolicyEgressRuleBuilder().withPorts(port("UDP", 53), port("TCP", 53)).build());
        var resolvedHosts = new LinkedHashMap<String, String>();
        var unresolved = new TreeSet<String>();
        for (var endpoint : EgressEndpoints.of(run, resolved)) {
            List<InetAddress> addresses;
            try {
                addresses = resolver.resolve(endpoint.host());
            } catch (UnknownHostException | RuntimeException e) {
                unresolved.add(endpoint.host());
                continue;
            }
            var cidrs = addresses.stream().map(EgressPolicyBuilder::cidr).distinct().sorted().toList();
            if (cidrs.isEmpty()) {
                unresolved.add(endpoint.host());
                continue;
            }
            resolvedHosts.put(endpoint.toString(), String.join(",", cidrs));
            rules.add(new NetworkPolicyEgressRuleBuilder()
                    .withTo(cidrs.stream().map(c -> new io.fabric8.kubernetes.api.model.networking.v1
                            .NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(c).endIpBlock().build()).toList())
                    .withPorts(port("TCP", endpoint.port()))
                    .build());
        }
        var extra = policy.getEgress() == null || policy.getEgress().getAllowCIDRs() == null ? List.<String> of()
                : policy.getEgress().getAllowCIDRs();
        if (!extra.isEmpty()) {
            rules.add(new NetworkPolicyEgressRuleBuilder()
                    .withTo(extra.stream().map(c -> new io.fabric8.kubernetes.api.model.networking.v1
                            .NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(c).endIpBlock().build()).toList())
                    .build());
        }
        Map<String, String> annotations = new LinkedHashMap<>(Labels.annotations(run));
        annotations.put(HOSTS_ANNOTATION, resolvedHosts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
        if (!unresolved.isEmpty()) {
            annotations.put(UNRESOLVED_ANNOTATION, String.join(" ", unresolved));
        }
        return Optional.of(new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(ChildNames.withUid(run.getMetadata().getName(), ChildNames.uidPart(run.getMetadata()
                        .getUid()), "-egress", ChildNames.MAX_LABEL_LENGTH))
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

    private static String cidr(InetAddress address) {
        return address.getHostAddress().replaceFirst("%.*$", "") + (address instanceof Inet6Address ? "/128" : "/32");
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }
}
