package com.xonovex.agentoperator.e2e;

import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Stands in for a storage provisioner: for every claim without a volume it creates a hostPath PersistentVolume of
 * the claimed size, pre-bound to the claim (claimRef). The real PV controller in kube-controller-manager then binds
 * the two, and the scheduler's VolumeBinding plugin accepts the pod. Released volumes are deleted.
 */
final class StaticProvisioner implements AutoCloseable {
    private final KubernetesClient client;
    private final AtomicInteger created = new AtomicInteger();
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<PersistentVolume> volumes;

    StaticProvisioner(KubernetesClient client) {
        this.client = client;
    }

    void start() {
        claims = client.persistentVolumeClaims().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim claim) {
                provision(claim);
            }

            @Override
            public void onUpdate(PersistentVolumeClaim old, PersistentVolumeClaim claim) {
                provision(claim);
            }

            @Override
            public void onDelete(PersistentVolumeClaim claim, boolean unknown) {
            }
        });
        volumes = client.persistentVolumes().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolume volume) {
                reclaim(volume);
            }

            @Override
            public void onUpdate(PersistentVolume old, PersistentVolume volume) {
                reclaim(volume);
            }

            @Override
            public void onDelete(PersistentVolume volume, boolean unknown) {
            }
        });
    }

    int created() {
        return created.get();
    }

    private void provision(PersistentVolumeClaim claim) {
        var spec = claim.getSpec();
        if (claim.getMetadata().getDeletionTimestamp() != null || spec.getVolumeName() != null
                && !spec.getVolumeName().isEmpty()) {
            return;
        }
        var uid = claim.getMetadata().getUid();
        var volume = new PersistentVolumeBuilder()
                .withNewMetadata().withName("e2e-pv-" + uid).addToLabels("e2e.agent.xonovex.com/provisioned", "true")
                .endMetadata()
                .withNewSpec()
                .withCapacity(java.util.Map.of("storage", spec.getResources().getRequests().get("storage")))
                .withAccessModes(spec.getAccessModes())
                .withStorageClassName(spec.getStorageClassName() == null ? "" : spec.getStorageClassName())
                .withPersistentVolumeReclaimPolicy("Retain")
                .withVolumeMode(spec.getVolumeMode())
                .withNewHostPath().withPath("/tmp/e2e-volumes/" + uid).withType("DirectoryOrCreate").endHostPath()
                .withClaimRef(new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
                        .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName())
                        .withUid(uid).build())
                .endSpec()
                .build();
        try {
            client.persistentVolumes().resource(volume).create();
            created.incrementAndGet();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                System.err.println("e2e provisioner: cannot create a volume for " + claim.getMetadata().getNamespace()
                        + "/" + claim.getMetadata().getName() + ": " + e.getMessage());
            }
        }
    }

    private void reclaim(PersistentVolume volume) {
        if (volume.getStatus() != null && "Released".equals(volume.getStatus().getPhase())
                && volume.getMetadata().getLabels() != null
                && volume.getMetadata().getLabels().containsKey("e2e.agent.xonovex.com/provisioned")
                && volume.getMetadata().getDeletionTimestamp() == null) {
            try {
                client.resource(volume).delete();
            } catch (KubernetesClientException e) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        if (claims != null) {
            claims.close();
        }
        if (volumes != null) {
            volumes.close();
        }
    }
}
