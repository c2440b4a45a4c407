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
        var watches = new SecretWatches<AgentRun>(client, 10);
        watches.setEventHandler(event -> woken.add(event.getRelatedCustomResourceID()));
        watches.start();
        try {
            var run = new ResourceID("run-a", namespace);
            var other = new ResourceID("run-b", namespace);
            var secret = new ResourceID("creds", namespace);
            assertThat(watches.watchAndGet(run, secret).secret()).isEmpty();
            assertThat(watches.watchAndGet(other, new ResourceID("unrelated", namespace)).secret()).isEmpty();

            client.resource(new SecretBuilder().withNewMetadata().withName("creds").withNamespace(namespace)
                    .endMetadata().addToStringData("api-key", "s3cr3t").build()).create();
            await().atMost(Duration.ofSeconds(10)).until(() -> woken.contains(run));
            assertThat(woken).doesNotContain(other);

            var read = watches.watchAndGet(run, secret).secret().orElseThrow();
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

    @Test
    void beyondItsBoundASecretIsReadButNotWatchedAndTheReaderIsToldSo() {
        var watches = new SecretWatches<AgentRun>(client, 1);
        watches.setEventHandler(event -> {
        });
        watches.start();
        try {
            var first = watches.watchAndGet(new ResourceID("run-a", namespace), new ResourceID("one", namespace));
            var second = watches.watchAndGet(new ResourceID("run-b", namespace), new ResourceID("two", namespace));
            var again = watches.watchAndGet(new ResourceID("run-c", namespace), new ResourceID("one", namespace));
            assertThat(first.watched()).isTrue();
            assertThat(second.watched()).as("a second Secret exceeds the bound of one watch").isFalse();
            assertThat(again.watched()).as("a Secret already watched is shared").isTrue();
            assertThat(watches.watchCount()).isEqualTo(1);
            watches.retainOnly(new ResourceID("run-a", namespace), Set.of());
            watches.retainOnly(new ResourceID("run-c", namespace), Set.of());
            var later = watches.watchAndGet(new ResourceID("run-b", namespace), new ResourceID("two", namespace));
            assertThat(later.watched()).as("room again once the first is no longer needed").isTrue();
        } finally {
            watches.stop();
        }
    }
}
