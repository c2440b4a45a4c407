package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where and how a run's pod runs. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingPolicy {
    @JsonPropertyDescription("""
            Node label keys a run's nodeSelector may use."""
            + Descriptions.PATTERNS + """
            An empty list \
            allows no nodeSelector. Default: any key.""")
    @Size(max = 64)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> allowedNodeSelectorKeys;

    @JsonPropertyDescription("""
            Taint keys a run's tolerations may name; a toleration without a key (which tolerates \
            every taint) is refused."""
            + Descriptions.PATTERNS + """
            An empty list allows no toleration, so runs stay off \
            tainted nodes such as the control plane. Default: any toleration.""")
    @Size(max = 64)
    @ValidationRule(value = Validation.PATTERN_LIST, message = Validation.PATTERN_LIST_MESSAGE)
    private List<String> allowedTolerationKeys;

    @JsonPropertyDescription("""
            The RuntimeClass every run's pod gets (such as gvisor or kata), imposed by the operator: a run \
            cannot choose or avoid it. The RuntimeClass must exist, or the pod is refused and the run fails. Default: \
            the cluster's default runtime.""")
    @Size(min = 1, max = 253)
    @io.fabric8.generator.annotation.Pattern(Validation.DNS_SUBDOMAIN)
    private String runtimeClassName;

    public List<String> getAllowedNodeSelectorKeys() {
        return allowedNodeSelectorKeys;
    }

    public void setAllowedNodeSelectorKeys(List<String> allowedNodeSelectorKeys) {
        this.allowedNodeSelectorKeys = allowedNodeSelectorKeys;
    }

    public List<String> getAllowedTolerationKeys() {
        return allowedTolerationKeys;
    }

    public void setAllowedTolerationKeys(List<String> allowedTolerationKeys) {
        this.allowedTolerationKeys = allowedTolerationKeys;
    }

    public String getRuntimeClassName() {
        return runtimeClassName;
    }

    public void setRuntimeClassName(String runtimeClassName) {
        this.runtimeClassName = runtimeClassName;
    }
}
