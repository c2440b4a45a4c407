package com.xonovex.agentoperator.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.quarkus.runtime.StartupEvent;

/**
 * The operator's informers retry a failed first list instead of stopping the operator
 * ({@code quarkus.operator-sdk.stop-on-informer-error-during-startup=false}): a fresh or busy API server sometimes
 * closes a connection while the informers start, and an operator that exits on it needs a restart for nothing. They
 * retry for at most {@code quarkus.operator-sdk.cache-sync-timeout}. An informer that has still not synced then (a
 * missing RBAC grant, a CRD not installed) would leave the reconcilers working on a partial cache, so startup fails
 * here, naming it, as a controller-runtime manager exits on a cache sync timeout; the kubelet restarts the pod.
 *
 * <p>
 * QOSDK starts the operator in its own StartupEvent observer ({@code LIBRARY_AFTER + 123}), which returns once every
 * informer has synced or timed out; this observer comes after it. With leader election on, the reconcilers only begin
 * when the lease is acquired, later than this check.
 */
public class StartupSyncCheck {
    private static final Logger LOG = Logger.getLogger(StartupSyncCheck.class);

    void afterOperatorStart(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 200) StartupEvent event,
            Operator operator) {
        if (!operator.getRuntimeInfo().isStarted()) {
            return; // not started automatically (quarkus.operator-sdk.start-operator=false): nothing to check
        }
        var unsynced = unsynced(operator.getRuntimeInfo());
        if (!unsynced.isEmpty()) {
            var message = "the operator's caches did not sync within quarkus.operator-sdk.cache-sync-timeout: "
                    + String.join("; ", unsynced)
                    + " (the informers' warnings above say why; most often the operator's RBAC or a missing CRD)";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
    }

    /** "controller/event source (namespace)" of every informer that has not synced. */
    static List<String> unsynced(RuntimeInfo info) {
        var names = new ArrayList<String>();
        for (var controller : info.unhealthyInformerWrappingEventSourceHealthIndicator().entrySet()) {
            for (var source : controller.getValue().entrySet()) {
                Map<String, InformerHealthIndicator> informers = source.getValue().informerHealthIndicators();
                for (InformerHealthIndicator informer : informers.values()) {
                    if (!informer.hasSynced()) {
                        names.add(controller.getKey() + "/" + source.getKey() + " ("
                                + describe(informer.getTargetNamespace()) + ")");
                    }
                }
            }
        }
        names.sort(null);
        return names;
    }

    private static String describe(String namespace) {
        return namespace == null || namespace.isEmpty() || "JOSDK_ALL_NAMESPACES".equals(namespace)
                ? "all namespaces" : "namespace " + namespace;
    }
}
