package com.xonovex.agentoperator.reconciler;

import java.time.Instant;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Kubernetes events on the operator's resources, shown by {@code kubectl describe} and {@code kubectl events}. */
public final class Events {
    private static final Logger LOG = Logger.getLogger(Events.class);
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    /** Names are DNS subdomains (253 characters); the object's name is cut to leave room for the suffix. */
    private static final int MAX_NAME = 253;
    private static final int SUFFIX = 17;
    /** Longer messages are cut: events are for people; the full text is in the object's status. */
    private static final int MAX_MESSAGE = 1024;

    private Events() {
    }

    static String prefix(String name) {
        return name.length() <= MAX_NAME - SUFFIX ? name
                : name.substring(0, MAX_NAME - SUFFIX).replaceAll("[.-]+$", "");
    }

    /** Best effort: an event that cannot be written is logged, never a reason to fail a reconciliation. */
    public static void emit(KubernetesClient client, HasMetadata about, String type, String reason, String message) {
        var now = Instant.now().toString();
        var meta = about.getMetadata();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(prefix(meta.getName()) + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .withNamespace(meta.getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion())
                        .withKind(about.getKind()).withName(meta.getName()).withNamespace(meta.getNamespace())
                        .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).build())
                .withType(type)
                .withReason(reason)
                .withMessage(message == null || message.length() <= MAX_MESSAGE ? message
                        : message.substring(0, MAX_MESSAGE - 3) + "...")
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent("agent-operator").endSource()
                .withReportingComponent("agent-operator")
                .build();
        try {
            client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("%s/%s: could not record event %s: %s", meta.getNamespace(), meta.getName(), reason,
                    e.getMessage());
        }
    }
}
