package com.xonovex.agentoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

class ReconcileErrorsTest {
    private static KubernetesClientException answer(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }

    @Test
    void aQuotaRefusalIsAReasonToWaitNotAnError() {
        var d = ReconcileErrors.describe(answer(403, "persistentvolumeclaims \"x\" is forbidden: exceeded quota: "
                + "pvcs, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: "
                + "persistentvolumeclaims=1"));
        assertThat(d.quota()).isTrue();
        assertThat(d.reason()).isEqualTo("QuotaExceeded");
        assertThat(d.message()).contains("exceeded quota: pvcs");
    }

    @Test
    void aForbiddenNamespaceIsAnErrorWithTheServersMessage() {
        var d = ReconcileErrors.describe(new RuntimeException("wrapped",
                answer(403, "jobs.batch is forbidden: User \"system:serviceaccount:x:y\" cannot create resource")));
        assertThat(d.quota()).isFalse();
        assertThat(d.reason()).isEqualTo("Forbidden");
        assertThat(d.message()).contains("answered 403").contains("cannot create resource");
    }

    @Test
    void otherFailuresAreNamedByTheirCode() {
        assertThat(ReconcileErrors.describe(answer(503, "unavailable")).reason()).isEqualTo("ServerError");
        assertThat(ReconcileErrors.describe(new KubernetesClientException("connect timed out",
                new java.net.ConnectException("refused"))).reason()).isEqualTo("ServerUnreachable");
        assertThat(ReconcileErrors.describe(new IllegalStateException("bug")).reason()).isEqualTo("InternalError");
    }

    @Test
    void theServersAnswerIsFoundUnderTheClientsWrapping() {
        var wrapped = new KubernetesClientException("Operation: [patch] for kind: [AgentRun] failed.",
                answer(422, ".status.result: field not declared in schema"));
        var d = ReconcileErrors.describe(wrapped);
        assertThat(d.reason()).isEqualTo("ApiError");
        assertThat(d.message()).contains("answered 422").contains("field not declared in schema");
    }
}
