package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentConfigSpec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class AgentConfigReconcilerTest extends OperatorTest {
    private AgentConfig awaitReady(String status, String reason) {
        await().atMost(TIMEOUT).until(() -> {
            var c = client.resources(AgentConfig.class).inNamespace(namespace).withName("default").get();
            return c.getStatus() != null && c.getStatus().getConditions().stream()
                    .anyMatch(x -> x.getType().equals("Ready") && x.getStatus().equals(status)
                            && x.getReason().equals(reason));
        });
        return client.resources(AgentConfig.class).inNamespace(namespace).withName("default").get();
    }

    @Test
    void readyTellsWhetherTheDefaultProvidersExist() {
        var spec = new AgentConfigSpec();
        spec.setDefaultProviders(Map.of("claude", "gemini-provider", "opencode", "oc-provider"));
        config(spec);
        var missing = awaitReady("False", "ProviderNotFound");
        assertThat(missing.getStatus().getConditions().get(0).getMessage())
                .contains("gemini-provider").contains("oc-provider");

        provider("gemini-provider", "creds", "api-key");
        var one = awaitReady("False", "ProviderNotFound");
        assertThat(one.getStatus().getConditions().get(0).getMessage()).doesNotContain("gemini-provider")
                .contains("oc-provider");

        provider("oc-provider", "creds", "api-key");
        var ready = awaitReady("True", "ProvidersFound");
        assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(1L);
    }
}
