package com.xonovex.agentoperator.workload;

import java.util.ArrayList;
import java.util.List;

import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Everything a run creates, in the order it is created: the workspace PVC, the prompt ConfigMap, the NetworkPolicy
 * (before the pod exists, so the pod never runs unrestricted) when the namespace's AgentPolicy restricts egress, and
 * the Job with what the policy imposes on its pod.
 */
public final class RunChildren {
    private RunChildren() {
    }

    public static List<HasMetadata> of(AgentRun run, ResolvedRun resolved, OperatorConfig config,
            AgentPolicySpec policy) {
        var children = new ArrayList<HasMetadata>();
        children.add(WorkspacePvcBuilder.build(run, resolved));
        children.add(PromptConfigMapBuilder.build(run, resolved));
        EgressPolicyBuilder.build(run, resolved, policy).ifPresent(children::add);
        children.add(PodPolicy.apply(AgentJobBuilder.build(run, resolved, config), run, policy));
        return children;
    }
}
