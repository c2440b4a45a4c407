package com.xonovex.agentoperator.workload;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** The run's workspace: one ReadWriteOnce volume that outlives the pod, for the clone and the agent's work. */
public final class WorkspacePvcBuilder {
    private WorkspacePvcBuilder() {
    }

    public static PersistentVolumeClaim build(AgentRun run, ResolvedRun resolved) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(ChildNames.of(run).workspaceClaim())
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(Labels.forChildren(run, resolved.agent().type()))
                .withAnnotations(Labels.annotations(run))
                .withOwnerReferences(Owners.controller(run))
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(resolved.storageClass().orElse(null))
                .withNewResources()
                .addToRequests("storage", new Quantity(resolved.storageSize()))
                .endResources()
                .endSpec()
                .build();
    }
}
