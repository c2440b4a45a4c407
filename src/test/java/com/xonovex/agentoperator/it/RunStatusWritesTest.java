package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunStatus;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 13 on the real API server with the in-process operator: a run from creation to Succeeded changes its status
 * at most 4 times (once per phase), reconciliations that see nothing new change nothing, and events come only with
 * a phase change. Status changes are counted from a watch on the run: every write that changes the status is one
 * MODIFIED event with a new status.
 */
@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class RunStatusWritesTest extends OperatorTest {

    @Test
    void aRunFromPendingToSucceededChangesItsStatusOncePerPhaseAndEmitsOneEventPerPhase() throws Exception {
        secret("gemini-credentials", "api-key");
        provider("gemini-provider", "gemini-credentials", "api-key");
        // counted from creation on a run that can start: waiting for the provider would be a legitimate extra write
        await().atMost(TIMEOUT).until(() -> {
            var p = client.resources(AgentProvider.class).inNamespace(namespace).withName("gemini-provider").get();
            return p.getStatus() != null && p.getStatus().isReady();
        });
        settle(); // and the operator's provider cache has it
        var changes = new CopyOnWriteArrayList<AgentRunStatus>();
        try (var watch = client.resources(AgentRun.class).inNamespace(namespace).withName("counted")
                .watch(new Watcher<AgentRun>() {
                    @Override
                    public void eventReceived(Action action, AgentRun run) {
                        var last = changes.isEmpty() ? null : changes.get(changes.size() - 1);
                        if (run.getStatus() != null && run.getStatus().getPhase() != null
                                && !Objects.equals(last, run.getStatus())) {
                            changes.add(run.getStatus());
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            var run = newRun("counted");
            run.getSpec().setProviderRef("gemini-provider");
            create(run);
            var sim = new JobSimulator(client, namespace);
            await().atMost(TIMEOUT).until(() -> sim.job("counted") != null);
            awaitPhase("counted", Phase.PENDING);
            // the pod as the Job controller makes it, before the scheduler has looked at it
            var pod = sim.startPod("counted");
            settle();
            sim.containersCreating(pod);
            awaitPhase("counted", Phase.INITIALIZING);
            sim.scheduledAndCloning(pod);
            settle();
            sim.agentRunning(pod);
            awaitPhase("counted", Phase.RUNNING);
            // no-op reconciliations: pod and Job events that change nothing the run reports
            touch(pod);
            settle();
            int beforeEnd = changes.size();
            sim.agentSucceeded(pod, "counted");
            awaitPhase("counted", Phase.SUCCEEDED);
            touch(pod);
            settle();

            assertThat(changes).extracting(AgentRunStatus::getPhase)
                    .containsExactly(Phase.PENDING, Phase.INITIALIZING, Phase.RUNNING, Phase.SUCCEEDED);
            assertThat(beforeEnd).isEqualTo(3);
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events("counted")).extracting(Event::getReason)
                    .containsExactlyInAnyOrder("Pending", "Initializing", "Running", "Succeeded"));
        }
    }

    /** Time for the operator to react to the last change (and, if it were wrong, to write). */
    private static void settle() throws InterruptedException {
        Thread.sleep(1500);
    }

    private void touch(Pod pod) {
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                .edit(p -> {
                    p.getMetadata().setAnnotations(new java.util.HashMap<>(Objects.requireNonNullElse(
                            p.getMetadata().getAnnotations(), Map.of())));
                    p.getMetadata().getAnnotations().put("touched", String.valueOf(System.nanoTime()));
                    return p;
                });
    }

    private List<Event> events(String runName) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> runName.equals(e.getInvolvedObject().getName())).toList();
    }
}
