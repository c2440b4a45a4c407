package com.xonovex.agentoperator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.it.ClusterTest;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** Per-Secret watches on the real API server: who gets woken, what is read, and that watches end. */
class SecretWatchesTest extends ClusterTest {
    @Test
    void aWaitingResourceIsWokenWhenItsSecretAppearsAndChangesAndReadsOnlyKeyNames() throws Exception {
        var woken = new CopyOnWriteArrayList<ResourceID>();
        var watches = new SecretWatches<AgentRun>(client);
        watches.setEventHandler(event -> woken.add(event.getRelatedCustomResourceID()));
        watches.start();
        try {
            var run = new ResourceID("run-a", namespace);
            var other = new ResourceID("run-b", namespace);
            var secret = new ResourceID("creds", namespace);
            assertThat(watches.watchAndGet(run, secret)).isEmpty();
            assertThat(watches.watchAndGet(other, new ResourceID("unrelated", namespace))).isEmpty();

            client.resource(new SecretBuilder().withNewMetadata().withName("creds").withNamespace(namespace)
                    .endMetadata().addToStringData("api-key", "s3cr3t").build()).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains(run));
            assertThat(woken).doesNotContain(other);

            var read = watches.watchAndGet(run, secret).orElseThrow();
            assertThat(read.getData()).containsOnlyKeys("api-key").containsValue("");
            assertThat(read.getStringData()).isNullOrEmpty();

            assertThat(watches.watchCount()).isEqualTo(2);
            watches.retainOnly(run, Set.of());
            watches.retainOnly(other, Set.of());
            assertThat(watches.watchCount()).isZero();

            woken.clear();
            client.secrets().inNamespace(namespace).withName("creds").delete();
            Thread.sleep(1500);
            assertThat(woken).as("nobody waits any more").isEmpty();
        } finally {
            watches.stop();
        }
    }
}
