package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentProvider;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class AgentProviderReconcilerTest extends OperatorTest {
    private AgentProvider fetch(String name) {
        return client.resources(AgentProvider.class).inNamespace(namespace).withName(name).get();
    }

    private AgentProvider awaitReady(String name, boolean ready, String reason) {
        await().atMost(TIMEOUT).until(() -> {
            var p = fetch(name);
            return p.getStatus() != null && p.getStatus().isReady() == ready
                    && p.getStatus().getConditions().stream().anyMatch(c -> reason.equals(c.getReason()));
        });
        return fetch(name);
    }

    @Test
    void readyFollowsTheSecretAndKeyAsTheyAppearAndDisappear() {
        provider("p", "creds", "api-key");
        var missing = awaitReady("p", false, "SecretNotFound");
        assertThat(missing.getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getMessage()).contains("creds");
            assertThat(c.getObservedGeneration()).isEqualTo(1L);
        });

        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("creds")
                .withNamespace(namespace).endMetadata().addToStringData("other", "x").build()).create();
        awaitReady("p", false, "SecretKeyNotFound");

        client.secrets().inNamespace(namespace).withName("creds").edit(s -> new io.fabric8.kubernetes.api.model
                .SecretBuilder(s).addToStringData("api-key", "s3cr3t-token-value").build());
        var ready = awaitReady("p", true, "SecretFound");
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(ready)).doesNotContain("s3cr3t");

        client.secrets().inNamespace(namespace).withName("creds").delete();
        awaitReady("p", false, "SecretNotFound");
    }

    @Test
    void lastTransitionTimeStaysWhileReadinessDoesNotChange() throws InterruptedException {
        provider("p2", "creds2", "api-key");
        var first = awaitReady("p2", false, "SecretNotFound");
        var firstTime = first.getStatus().getConditions().get(0).getLastTransitionTime();
        Thread.sleep(1100);
        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("creds2")
                .withNamespace(namespace).endMetadata().addToStringData("other", "x").build()).create();
        var second = awaitReady("p2", false, "SecretKeyNotFound");
        assertThat(second.getStatus().getConditions().get(0).getLastTransitionTime()).isEqualTo(firstTime);
    }
}
