package com.xonovex.agentoperator.reconciler;

import java.util.Objects;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * The one way the three reconcilers write a status: only when it differs from the current one, with server-side
 * apply, on an object that carries nothing but name, namespace and the status (so the operator never claims a field
 * of the user's spec); the result goes into the cache, so the next reconciliation sees it even before the watch
 * event arrives. Callers emit their events after a write, never before.
 */
final class StatusWriter {
    private StatusWriter() {
    }

    /** Writes {@code status} unless it equals the current one; says whether it wrote. */
    static <S, P extends CustomResource<?, S>> boolean write(P current, S status, Context<P> context,
            Supplier<P> empty) {
        if (Objects.equals(current.getStatus(), status)) {
            return false;
        }
        var fresh = empty.get();
        fresh.getMetadata().setName(current.getMetadata().getName());
        fresh.getMetadata().setNamespace(current.getMetadata().getNamespace());
        fresh.setStatus(status);
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(current, fresh, context);
        return true;
    }
}
