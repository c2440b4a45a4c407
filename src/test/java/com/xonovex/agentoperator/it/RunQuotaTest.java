package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The README's sample quota on runs works on a real API server: an object-count quota on
 * {@code count/agentruns.agent.xonovex.com} refuses the run beyond it at admission.
 */
class RunQuotaTest extends ClusterTest {
    private static final String RUNS = "count/agentruns.agent.xonovex.com";

    @Test
    void aCountQuotaOnAgentRunsRefusesTheRunBeyondIt() {
        var quota = client.resource(new ResourceQuotaBuilder().withNewMetadata().withName("agent-runs")
                .withNamespace(namespace).endMetadata().withNewSpec().addToHard(RUNS, new Quantity("1")).endSpec()
                .build()).create();
        // the quota controller (not part of tier 2) would fill in the status; admission needs it to count
        quota.setStatus(new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
                .withHard(Map.of(RUNS, new Quantity("1"))).withUsed(Map.of(RUNS, new Quantity("0"))).build());
        client.resource(quota).updateStatus();

        var first = OperatorTest.newRun("first");
        first.getMetadata().setNamespace(namespace);
        assertThat(client.resource(first).create().getMetadata().getUid()).isNotBlank();
        var second = OperatorTest.newRun("second");
        second.getMetadata().setNamespace(namespace);
        assertThatThrownBy(() -> client.resource(second).create()).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("exceeded quota: agent-runs").hasMessageContaining(RUNS);
    }
}
