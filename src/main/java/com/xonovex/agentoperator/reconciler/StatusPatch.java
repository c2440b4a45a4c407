package com.xonovex.agentoperator.reconciler;

import java.util.function.Supplier;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * Writes a status with server-side apply, on an object that carries nothing but name, namespace and the status, so
 * the operator never claims a field of the user's spec; the result goes into the cache, so the next reconciliation
 * sees it even before the watch event arrives.
 */
final class StatusPatch {
    private StatusPatch() {
    }

    static <S, P extends CustomResource<?, S>> void apply(P current, S status, Context<P> context, Supplier<P> empty) {
        var fresh = empty.get();
        fresh.getMetadata().setName(current.getMetadata().getName());
        fresh.getMetadata().setNamespace(current.getMetadata().getNamespace());
        fresh.setStatus(status);
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(current, fresh, context);
    }
}
