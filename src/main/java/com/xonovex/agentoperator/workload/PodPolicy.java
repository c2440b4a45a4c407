package com.xonovex.agentoperator.workload;

import java.util.LinkedHashMap;

import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.policy.Patterns;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * What the namespace's AgentPolicy imposes on a run's pod, whatever the run says: the runtime class, the run's UID
 * label that its NetworkPolicy selects, and only those of the run's labels the policy lets through (a label copied
 * to the pod could match another NetworkPolicy's selector and open egress the policy closed).
 */
public final class PodPolicy {
    private PodPolicy() {
    }

    /** The Job with the policy applied to its pod template; unchanged without a policy. */
    public static Job apply(Job job, AgentRun run, AgentPolicySpec policy) {
        if (policy == null) {
            return job;
        }
        var template = job.getSpec().getTemplate();
        var runLabels = run.getMetadata().getLabels() == null ? java.util.Map.<String, String> of()
                : run.getMetadata().getLabels();
        var allowed = policy.getPodLabels() == null || policy.getPodLabels().getAllowedKeys() == null
                ? java.util.List.<String> of() : policy.getPodLabels().getAllowedKeys();
        var labels = new LinkedHashMap<String, String>();
        template.getMetadata().getLabels().forEach((key, value) -> {
            boolean fromRun = runLabels.containsKey(key) && runLabels.get(key).equals(value)
                    && !Labels.isOperatorLabel(key);
            if (!fromRun || Patterns.anyMatches(key, allowed)) {
                labels.put(key, value);
            }
        });
        labels.put(Labels.RUN_UID, run.getMetadata().getUid());
        template.getMetadata().setLabels(labels);
        if (policy.getScheduling() != null && policy.getScheduling().getRuntimeClassName() != null) {
            template.getSpec().setRuntimeClassName(policy.getScheduling().getRuntimeClassName());
        }
        return job;
    }
}
