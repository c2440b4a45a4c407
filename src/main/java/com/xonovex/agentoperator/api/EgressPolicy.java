package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What a run's pod may reach. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EgressPolicy {
    @JsonPropertyDescription("""
            Restricted: the operator creates a NetworkPolicy per run (owned by the run) that denies all ingress and \
            allows egress only to DNS (port 53), to the TCP ports of the provider's API, the repository and the pull \
            request's forge API on public addresses (every address except the private, shared, link-local and \
            loopback ranges, so not the cluster's pods, Services, nodes or a cloud metadata service), to an endpoint \
            given as a literal IP address, and to allowCIDRs. NetworkPolicy cannot name hosts, and an address the \
            operator resolved would differ from the pod's and change during a run, so the pod can reach any public \
            host on those ports, not only those hosts; an endpoint inside the cluster (such as http://litellm:4000) \
            needs its pods' CIDR in allowCIDRs. Open: no NetworkPolicy. Imposed: a run cannot change it. Enforced \
            only where the cluster's network plugin implements NetworkPolicy. Default: Restricted.""")
    private EgressMode mode;

    @JsonPropertyDescription("""
            More destinations the pod may reach (any port), as CIDRs such as 10.0.5.0/24: an in-cluster proxy's \
            pods (a Service's address is not enough: most network plugins match the pod behind it), a mirror. \
            At most 32.""")
    @Size(max = 32)
    @ValidationRule(value = Validation.CIDR_LIST, message = Validation.CIDR_LIST_MESSAGE)
    private List<String> allowCIDRs;

    public EgressMode getMode() {
        return mode;
    }

    public void setMode(EgressMode mode) {
        this.mode = mode;
    }

    public List<String> getAllowCIDRs() {
        return allowCIDRs;
    }

    public void setAllowCIDRs(List<String> allowCIDRs) {
        this.allowCIDRs = allowCIDRs;
    }
}
