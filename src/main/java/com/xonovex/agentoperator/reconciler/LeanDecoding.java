package com.xonovex.agentoperator.reconciler;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * The operator's Kubernetes client skips {@code metadata.managedFields} when it decodes an object: the operator never
 * reads them, and on a Job they are several times the size of the Job itself (every watch event, list and response
 * carries them). Skipping them in the parser spares both the decoding and the memory of the informer caches. Objects
 * the operator sends are not affected: it never sets managedFields.
 */
@Singleton
public class LeanDecoding implements KubernetesClientObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    }

    @JsonIgnoreProperties(value = "managedFields", allowGetters = true, ignoreUnknown = true)
    abstract static class WithoutManagedFields {
    }
}
