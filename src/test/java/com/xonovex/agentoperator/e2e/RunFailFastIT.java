package com.xonovex.agentoperator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Tier 3 (real API server, controller manager with the Job, garbage-collector and quota controllers, kwok nodes,
 * the packaged operator): a run is started once, a run that can never start fails fast with the real cause, a
 * disruption is reported as such, and a quota makes a run wait instead of stranding it.
 */
class RunFailFastIT extends E2eTest {
    static final String WAITING = "e2e.agent.xonovex.com/waiting";
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    String ns;

    @BeforeEach
    void namespace() {
        ns = newNamespace("failfast");
    }

    @Test
    void aJobDeletedUnderARunningRunEndsTheRunAndTheAgentIsNotStartedAgain() {
        var name = "job-deleted";
        var created = create(run(ns, name, Map.of(HOLD, "true")));
        awaitPhase(ns, name, Phase.RUNNING, TIMEOUT);
        var job = client().batch().v1().jobs().inNamespace(ns).withName(name).get();
        client().resource(job).delete();

        var failed = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(failedReason(failed)).isEqualTo("JobDeleted");
        // the garbage collector removes the old Job; no other Job of this run ever appears
        env().cluster.waitUntil(TIMEOUT, "the deleted Job to be gone",
                () -> client().batch().v1().jobs().inNamespace(ns).withName(name).get() == null);
        sleep(Duration.ofSeconds(4));
        assertThat(jobsOf(created, client().batch().v1().jobs().inNamespace(ns).list().getItems())).isEmpty();
        assertThat(get(ns, name).getStatus().getPhase()).isEqualTo(Phase.FAILED);
    }

    @Test
    void anImageThatCannotBePulledFailsTheRunAfterItsGraceAndStopsThePod() {
        var name = "no-image";
        var start = Instant.now();
        create(run(ns, name, Map.of(WAITING, "ImagePullBackOff")));
        var failed = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(failedReason(failed)).isEqualTo("ImagePullBackOff");
        assertThat(failed.getStatus().getMessage()).contains("init container git-clone cannot start")
                .contains("injected by the e2e kwok stage");
        // the grace counts from the pod's startTime, which the API server keeps in whole seconds (rounded down)
        assertThat(Duration.between(start, Instant.now())).as("not before the grace")
                .isGreaterThanOrEqualTo(OperatorProcess.IMAGE_PULL_GRACE.minusSeconds(1));
        env().cluster.waitUntil(TIMEOUT, "the Job to be suspended and its pod gone", () -> {
            var job = client().batch().v1().jobs().inNamespace(ns).withName(name).get();
            return Boolean.TRUE.equals(job.getSpec().getSuspend()) && client().pods().inNamespace(ns)
                    .withLabel(Labels.INSTANCE, name).list().getItems().isEmpty();
        });
    }

    @Test
    void aContainerThatCannotBeConfiguredFailsTheRunAtOnce() {
        var name = "no-config";
        create(run(ns, name, Map.of(WAITING, "CreateContainerConfigError")));
        var failed = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(failedReason(failed)).isEqualTo("CreateContainerConfigError");
        assertThat(failed.getStatus().getExitCode()).isNull();
    }

    @Test
    void anEvictedPodIsReportedAsADisruptionNotAsAnAgentFailure() {
        var name = "evicted";
        create(run(ns, name, Map.of(HOLD, "true")));
        var running = awaitPhase(ns, name, Phase.RUNNING, TIMEOUT);
        assertThat(client().pods().inNamespace(ns).withName(running.getStatus().getPodName()).evict()).isTrue();
        var failed = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
        assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(failedReason(failed)).isEqualTo("PodDisrupted");
        assertThat(failed.getStatus().getMessage()).contains("disrupted").contains("Evict");
    }

    @Test
    void aQuotaThatRefusesTheWorkspaceKeepsTheRunPendingUntilItAllowsIt() {
        var quota = client().resource(new ResourceQuotaBuilder().withNewMetadata().withName("no-volumes")
                .withNamespace(ns).endMetadata().withNewSpec()
                .addToHard("persistentvolumeclaims", new Quantity("0")).endSpec().build()).create();
        env().cluster.waitUntil(TIMEOUT, "the quota controller to count usage", () -> {
            var q = client().resourceQuotas().inNamespace(ns).withName("no-volumes").get();
            return q.getStatus() != null && q.getStatus().getUsed() != null
                    && q.getStatus().getUsed().containsKey("persistentvolumeclaims");
        });
        var name = "quota";
        create(run(ns, name, Map.of()));
        var waiting = await(ns, name, TIMEOUT, "Pending with QuotaExceeded", r -> r.getStatus() != null
                && "QuotaExceeded".equals(conditionReason(r, "Resolved")));
        assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.PENDING);
        assertThat(waiting.getStatus().getMessage()).contains("exceeded quota");
        assertThat(client().v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getName()).isEqualTo(name);
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("QuotaExceeded");
        });

        client().resourceQuotas().inNamespace(ns).withName(quota.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"hard\":{\"persistentvolumeclaims\":\"5\"}}}");
        var done = await(ns, name, Duration.ofMinutes(3), "terminal once the quota allows it", E2eTest::terminal);
        assertThat(done.getStatus().getPhase()).isEqualTo(Phase.SUCCEEDED);
    }

    private static String failedReason(AgentRun run) {
        return conditionReason(run, "Failed");
    }

    private static String conditionReason(AgentRun run, String type) {
        return run.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .map(Condition::getReason).orElse(null);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
