package com.xonovex.agentoperator.reconciler;

import java.util.LinkedHashMap;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * What the operator keeps of a Secret in its cache: name, namespace and data keys. It only ever asks whether a key
 * exists, so the values are dropped before anything is cached.
 */
final class SecretKeysOnly {
    private SecretKeysOnly() {
    }

    static Secret strip(Secret secret) {
        var keys = new LinkedHashMap<String, String>();
        if (secret.getData() != null) {
            secret.getData().keySet().forEach(k -> keys.put(k, ""));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().keySet().forEach(k -> keys.put(k, ""));
        }
        return new SecretBuilder()
                .withNewMetadata()
                .withName(secret.getMetadata().getName())
                .withNamespace(secret.getMetadata().getNamespace())
                .withUid(secret.getMetadata().getUid())
                .withResourceVersion(secret.getMetadata().getResourceVersion())
                .endMetadata()
                .withType(secret.getType())
                .withData(keys)
                .build();
    }
}
