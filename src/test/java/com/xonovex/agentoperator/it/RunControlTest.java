package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A user stops a run (spec.cancel) and finished runs go after ttlSecondsAfterFinished (tier 2). */
@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class RunControlTest extends OperatorTest {
    private JobSimulator sim() {
        return new JobSimulator(client, namespace);
    }

    private void readyProvider() {
        secret("gemini-credentials", "api-key");
        provider("gemini-provider", "gemini-credentials", "api-key");
    }

    private AgentRun withProvider(AgentRun run) {
        run.getSpec().setProviderRef("gemini-provider");
        return run;
    }

    private void cancel(String name) {
        client.resources(AgentRun.class).inNamespace(namespace).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");
    }

    @Test
    void cancellingARunningRunSuspendsItsJobAndEndsItCancelledKeepingTheWorkspace() {
        readyProvider();
        create(withProvider(newRun("stop-me")));
        await().atMost(TIMEOUT).until(() -> sim().job("stop-me") != null);
        var pod = sim().startPod("stop-me");
        sim().agentRunning(pod);
        var running = awaitPhase("stop-me", Phase.RUNNING);

        cancel("stop-me");
        var cancelled = awaitPhase("stop-me", Phase.CANCELLED);
        assertThat(condition(cancelled, "Cancelled").getReason()).isEqualTo("CancelRequested");
        assertThat(cancelled.getStatus().getCompletionTime()).isNotNull();
        assertThat(cancelled.getStatus().getObservedGeneration()).isEqualTo(2L);
        await().atMost(TIMEOUT).until(() -> Boolean.TRUE.equals(sim().job("stop-me").getSpec().getSuspend()));
        assertThat(client.persistentVolumeClaims().inNamespace(namespace)
                .withName(running.getStatus().getWorkspaceClaimName()).get()).isNotNull();
    }

    @Test
    void cancellingARunThatWaitsMeansItNeverStarts() {
        create(withProvider(newRun("never")));
        awaitPendingBecause("never", "ProviderNotFound");
        cancel("never");
        awaitPhase("never", Phase.CANCELLED);
        readyProvider();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> sim().job("never") == null);
    }

    @Test
    void cancelCannotBeUndoneAndTheRestOfTheSpecStaysImmutable() {
        create(withProvider(newRun("firm")));
        cancel("firm");
        var undo = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
                () -> client.resources(AgentRun.class).inNamespace(namespace).withName("firm")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":false}}"));
        assertThat(undo.getMessage()).contains("cancel cannot be undone");
        var change = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
                () -> client.resources(AgentRun.class).inNamespace(namespace).withName("firm")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"prompt\":\"something else\"}}"));
        assertThat(change.getMessage()).contains("spec is immutable");
        var added = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
                () -> client.resources(AgentRun.class).inNamespace(namespace).withName("firm")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"image\":\"example.com/x:1\"}}"));
        assertThat(added.getMessage()).contains("spec is immutable");
        client.resources(AgentRun.class).inNamespace(namespace).withName("firm")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"ttlSecondsAfterFinished\":60}}");
    }

    @Test
    void aFinishedRunIsDeletedOnceItsTtlHasPassed() {
        readyProvider();
        var run = withProvider(newRun("short-lived"));
        run.getSpec().setTtlSecondsAfterFinished(3);
        create(run);
        await().atMost(TIMEOUT).until(() -> sim().job("short-lived") != null);
        var pod = sim().startPod("short-lived");
        sim().agentSucceeded(pod, "short-lived");
        var done = awaitPhase("short-lived", Phase.SUCCEEDED);
        var ended = Instant.parse(done.getStatus().getCompletionTime());
        await().atMost(TIMEOUT).until(() -> get("short-lived") == null);
        assertThat(Instant.now()).isAfterOrEqualTo(ended.plusSeconds(3));
    }

    @Test
    void theAgentConfigsTtlAppliesToRunsThatSetNone() {
        readyProvider();
        var defaults = new AgentConfigSpec();
        // 3 s, not 1: completionTime has whole seconds, so 1 s could be over when the run fails, and the run gone
        // before the test sees it Failed (seen under load)
        defaults.setDefaultTTLSecondsAfterFinished(3);
        config(defaults);
        create(withProvider(newRun("config-ttl")));
        await().atMost(TIMEOUT).until(() -> sim().job("config-ttl") != null);
        var pod = sim().startPod("config-ttl");
        sim().agentFailed(pod, "config-ttl", 2);
        awaitPhase("config-ttl", Phase.FAILED);
        await().atMost(TIMEOUT).until(() -> get("config-ttl") == null);
    }
}
