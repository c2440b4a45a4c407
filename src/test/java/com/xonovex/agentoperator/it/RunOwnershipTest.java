package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.ChildNames;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A run is started exactly once and owns only its own children (tier 2: the API server has no garbage collector
 * and no Job controller, so children stay exactly as the test leaves them). The test profile sets
 * {@code agent-operator.previous-job-grace} to a few seconds.
 */
@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class RunOwnershipTest extends OperatorTest {
    private JobSimulator sim() {
        return new JobSimulator(client, namespace);
    }

    private AgentRun createWithProvider(String name) {
        var run = newRun(name);
        run.getSpec().setProviderRef("gemini-provider");
        return create(run);
    }

    private void readyProvider() {
        secret("gemini-credentials", "api-key");
        provider("gemini-provider", "gemini-credentials", "api-key");
    }

    private Job awaitJob(String name) {
        await().atMost(TIMEOUT).until(() -> sim().job(name) != null);
        return sim().job(name);
    }

    @Test
    void aJobDeletedUnderAStartedRunFailsTheRunAndNoSecondJobIsMade() {
        readyProvider();
        var run = createWithProvider("started-once");
        var job = awaitJob("started-once");
        var pod = sim().startPod("started-once");
        sim().scheduledAndCloning(pod);
        awaitPhase("started-once", Phase.INITIALIZING);

        client.resource(job).delete();
        var failed = awaitPhase("started-once", Phase.FAILED);
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("JobDeleted");
        assertThat(failed.getStatus().getMessage()).contains("was deleted after the run started");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> sim().job("started-once") == null);
        assertThat(get("started-once").getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(run.getMetadata().getUid()).isEqualTo(get("started-once").getMetadata().getUid());
    }

    /** The example: the long name's old cut-and-hash was the other run's literal name. */
    @Test
    void twoRunsWhoseNamesOnceCollidedGetEachTheirOwnWorkspacePromptAndJob() {
        readyProvider();
        var longRun = newRun("nightly-refactor-of-the-payments-service-module-for-team-a");
        longRun.getSpec().setPrompt("prompt of team-a");
        longRun.getSpec().setProviderRef("gemini-provider");
        var shortRun = newRun("nightly-refactor-of-the-payments-service-mod-d01d0039");
        shortRun.getSpec().setPrompt("prompt of the other run");
        shortRun.getSpec().setProviderRef("gemini-provider");
        var a = create(longRun);
        var b = create(shortRun);
        var namesA = ChildNames.of(a);
        var namesB = ChildNames.of(b);
        var jobA = awaitJob(namesA.job());
        var jobB = awaitJob(namesB.job());
        assertThat(jobA.getMetadata().getUid()).isNotEqualTo(jobB.getMetadata().getUid());
        assertThat(ownerUid(jobA)).isEqualTo(a.getMetadata().getUid());
        assertThat(ownerUid(jobB)).isEqualTo(b.getMetadata().getUid());
        assertThat(volumes(jobA)).containsEntry("workspace", namesA.workspaceClaim())
                .containsEntry("prompt", namesA.promptConfigMap());
        assertThat(volumes(jobB)).containsEntry("workspace", namesB.workspaceClaim())
                .containsEntry("prompt", namesB.promptConfigMap());
        assertThat(namesA.workspaceClaim()).isNotEqualTo(namesB.workspaceClaim());
        assertThat(client.configMaps().inNamespace(namespace).withName(namesA.promptConfigMap()).get().getData())
                .containsEntry("prompt", "prompt of team-a");
        assertThat(client.configMaps().inNamespace(namespace).withName(namesB.promptConfigMap()).get().getData())
                .containsEntry("prompt", "prompt of the other run");
        assertThat(env(jobB, "AGENT_RUN_UID")).isEqualTo(b.getMetadata().getUid());
    }

    @Test
    void aRunCreatedAgainWhileItsPredecessorsJobLingersWaitsThenGetsItsOwnChildren() {
        readyProvider();
        var first = createWithProvider("again");
        var oldJob = awaitJob("again");
        awaitRun("again", r -> r.getStatus() != null && r.getStatus().getJobName() != null);
        // deleted; without a garbage collector its Job, PVC and ConfigMap stay, as they do while a real one lags
        client.resource(first).delete();
        await().atMost(TIMEOUT).until(() -> get("again") == null);

        var second = createWithProvider("again");
        var waiting = awaitPendingBecause("again", "PreviousJobPresent");
        assertThat(waiting.getStatus().getMessage()).contains(first.getMetadata().getUid());
        assertThat(ownerUid(sim().job("again"))).as("the old Job is not taken over").isEqualTo(first.getMetadata()
                .getUid());
        var names = ChildNames.of(second);
        assertThat(names.workspaceClaim()).isNotEqualTo(ChildNames.of(first).workspaceClaim());
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).withName(names.workspaceClaim()).get()
                .getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(second.getMetadata().getUid());

        client.resource(oldJob).delete();
        await().atMost(TIMEOUT).until(() -> {
            var job = sim().job("again");
            return job != null && second.getMetadata().getUid().equals(ownerUid(job));
        });
        var started = awaitRun("again", r -> r.getStatus() != null && "JobCreated".equals(condition(r, "Resolved")
                .getReason()));
        assertThat(started.getStatus().getPhase()).isEqualTo(Phase.PENDING);
        assertThat(volumes(sim().job("again"))).containsEntry("workspace", names.workspaceClaim());
    }

    @Test
    void aJobLeftByAnEarlierRunOfTheNameThatNeverGoesFailsTheRunWithNameConflictAfterTheGrace() {
        readyProvider();
        var first = createWithProvider("stuck-old");
        awaitJob("stuck-old");
        awaitRun("stuck-old", r -> r.getStatus() != null && r.getStatus().getJobName() != null);
        client.resource(first).delete();
        await().atMost(TIMEOUT).until(() -> get("stuck-old") == null);

        createWithProvider("stuck-old");
        awaitPendingBecause("stuck-old", "PreviousJobPresent");
        var failed = awaitPhase("stuck-old", Phase.FAILED);
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("NameConflict");
        assertThat(failed.getStatus().getMessage()).contains("Job stuck-old already exists");
        assertThat(ownerUid(sim().job("stuck-old"))).isEqualTo(first.getMetadata().getUid());
    }

    @Test
    void anUnrelatedJobHoldingTheNameFailsTheRunAtOnceAndIsLeftAlone() {
        readyProvider();
        var foreign = client.resource(new JobBuilder().withNewMetadata().withName("taken").withNamespace(namespace)
                .withLabels(Map.of("app", "someone-else")).endMetadata()
                .withNewSpec().withSuspend(true).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
        createWithProvider("taken");
        var failed = awaitPhase("taken", Phase.FAILED);
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("NameConflict");
        assertThat(failed.getStatus().getMessage()).contains("Job taken already exists")
                .contains("is not controlled by this run");
        var after = sim().job("taken");
        assertThat(after.getMetadata().getUid()).isEqualTo(foreign.getMetadata().getUid());
        assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    }

    @Test
    void podsThatOnlyLookLikeTheRunsAreIgnored() {
        readyProvider();
        createWithProvider("lookalike");
        awaitJob("lookalike");
        awaitRun("lookalike", r -> r.getStatus() != null && r.getStatus().getJobName() != null);
        // a pod with the operator's labels and the run's annotation, but not made by the run's Job
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("lookalike-fake")
                .withNamespace(namespace).withLabels(Map.of("app.kubernetes.io/managed-by", "agent-operator"))
                .withAnnotations(Map.of("agent.xonovex.com/run", "lookalike")).endMetadata()
                .withNewSpec().addNewContainer().withName("agent").withImage("busybox").endContainer().endSpec()
                .build();
        var created = client.resource(pod).create();
        created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().addNewCondition()
                .withType("PodScheduled").withStatus("True").endCondition().addNewContainerStatus().withName("agent")
                .withNewState().withNewRunning().endRunning().endState().endContainerStatus().build());
        client.resource(created).updateStatus();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> get("lookalike").getStatus().getPhase() == Phase.PENDING);
        assertThat(get("lookalike").getStatus().getPodName()).isNull();
    }

    private static String ownerUid(Job job) {
        return job.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst().map(o -> o.getUid()).orElse(null);
    }

    private static Map<String, String> volumes(Job job) {
        var result = new java.util.HashMap<String, String>();
        for (var v : job.getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getPersistentVolumeClaim() != null) {
                result.put(v.getName(), v.getPersistentVolumeClaim().getClaimName());
            }
            if (v.getConfigMap() != null) {
                result.put(v.getName(), v.getConfigMap().getName());
            }
        }
        return result;
    }

    private static String env(Job job, String name) {
        return job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getEnv().stream()
                .filter(e -> name.equals(e.getName())).findFirst().map(e -> e.getValue()).orElse(null);
    }
}
