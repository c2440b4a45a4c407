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
            allows egress only to DNS (port 53), the provider's API host, the repository's host, the pull request's \
            forge API and allowCIDRs; host names are resolved to addresses when the run starts. Open: no \
            NetworkPolicy. Imposed: a run cannot change it. Enforced only where the cluster's network plugin \
            implements NetworkPolicy. Default: Restricted.""")
    private EgressMode mode;

    @JsonPropertyDescription("""
            More destinations the pod may reach (any port), as CIDRs such as 10.0.5.0/24: an in-cluster proxy's \
            pods, a mirror. At most 32.""")
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
