package com.xonovex.agentoperator.workload;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/** The prompt as a file: the agent reads it on standard input, so it never passes through argv or a shell. */
public final class PromptConfigMapBuilder {
    public static final String KEY = "prompt";

    private PromptConfigMapBuilder() {
    }

    public static ConfigMap build(AgentRun run, ResolvedRun resolved) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(ChildNames.of(run).promptConfigMap())
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(Labels.forChildren(run, resolved.agent().type()))
                .withAnnotations(Labels.annotations(run))
                .withOwnerReferences(Owners.controller(run))
                .endMetadata()
                .withImmutable(true)
                .addToData(KEY, run.getSpec().getPrompt())
                .build();
    }
}
