package com.xonovex.agentoperator.workload;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * Controller owner references: deleting a run lets the garbage collector remove its children, and a child is the
 * run's own only when its controller reference carries the run's UID (a name alone proves nothing: another run, a
 * deleted run of the same name, or anything else may hold it).
 */
public final class Owners {
    private Owners() {
    }

    public static OwnerReference controller(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    public static Optional<OwnerReference> controllerOf(HasMetadata resource) {
        var references = resource.getMetadata().getOwnerReferences();
        return references == null ? Optional.empty()
                : references.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
    }

    public static boolean isControlledBy(HasMetadata resource, String ownerUid) {
        return ownerUid != null && controllerOf(resource).map(r -> ownerUid.equals(r.getUid())).orElse(false);
    }
}
