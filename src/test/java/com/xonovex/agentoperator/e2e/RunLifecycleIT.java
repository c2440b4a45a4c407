package com.xonovex.agentoperator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.Labels;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * One run at a time through the packaged operator, the real Job controller, scheduler, PV binder and garbage
 * collector, with kwok as the kubelet (stages in src/test/cluster/kwok/stages.yaml).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunLifecycleIT extends E2eTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    String ns;

    @BeforeAll
    void namespace() {
        ns = newNamespace("life");
    }

    @Test
    void theOperatorIsReadyAndExportsMetrics() {
        var ready = env().operator.get("/q/health/ready");
        assertThat(ready.code()).isEqualTo(200);
        assertThat(ready.body()).contains("\"UP\"");
        var metrics = env().operator.get("/q/metrics");
        assertThat(metrics.code()).isEqualTo(200);
        assertThat(metrics.body()).contains("agent_operator_runs{");
        // leader election is on (prod profile): the operator holds the lease in its namespace
        var lease = client().leases().inNamespace(E2eEnvironment.OPERATOR_NAMESPACE).withName("agent-operator-leader")
                .get();
        assertThat(lease).isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    }

    /** a + f: the whole way to Succeeded, each phase seen by a watch; the workspace PVC is Bound. */
    @Test
    void aRunGoesThroughEveryPhaseToSucceeded() {
        var name = "happy";
        List<Phase> phases;
        AgentRun run;
        try (var watch = new PhaseWatch(client(), ns, name)) {
            // each kwok step takes 2s: Initializing (~8s: pod created, git-clone running, git-clone done) and
            // Running (~2s) last long enough that the operator writes, and the watch sees, each of them
            create(run(ns, name, Map.of(STEP_DELAY, "2s")));
            run = awaitPhase(ns, name, Phase.SUCCEEDED, TIMEOUT);
            assertThat(run.getStatus().getExitCode()).isZero();
            assertThat(run.getStatus().getCompletionTime()).isNotNull();
            env().cluster.waitUntil(Duration.ofSeconds(5), "the watch to catch up",
                    () -> watch.phases().contains(Phase.SUCCEEDED));
            phases = watch.phases();
        }
        assertThat(phases).containsExactly(Phase.PENDING, Phase.INITIALIZING, Phase.RUNNING, Phase.SUCCEEDED);

        var job = client().batch().v1().jobs().inNamespace(ns).withName(name).get();
        assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(job.getStatus().getConditions()).anyMatch(c -> "Complete".equals(c.getType())
                && "True".equals(c.getStatus()));
        var pods = client().pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems();
        assertThat(pods).hasSize(1);
        assertThat(pods.get(0).getSpec().getNodeName()).startsWith("kwok-node-");
        assertThat(pods.get(0).getStatus().getPhase()).isEqualTo("Succeeded");

        // f: the workspace claim was bound by the PV controller to a volume of the default size
        var pvc = client().persistentVolumeClaims().inNamespace(ns).withName(run.getStatus().getWorkspaceClaimName())
                .get();
        assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(pvc.getSpec().getStorageClassName()).isNull();
        assertThat(pvc.getStatus().getCapacity().get("storage")).isEqualTo(new Quantity("10Gi"));
        var pv = client().persistentVolumes().withName(pvc.getSpec().getVolumeName()).get();
        assertThat(pv.getStatus().getPhase()).isEqualTo("Bound");
        assertThat(pv.getSpec().getClaimRef().getUid()).isEqualTo(pvc.getMetadata().getUid());
    }

    /** b */
    @Test
    void aFailingInitContainerFailsTheRun() {
        var name = "bad-clone";
        create(run(ns, name, Map.of(FAIL, "init")));
        var run = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
        assertThat(run.getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(run.getStatus().getExitCode()).isEqualTo(128);
        assertThat(run.getStatus().getMessage()).contains("git-clone").contains("128");
        assertJobFailed(name, "BackoffLimitExceeded");
    }

    /** c */
    @Test
    void aFailingAgentFailsTheRun() {
        var name = "bad-agent";
        create(run(ns, name, Map.of(FAIL, "agent")));
        var run = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
        assertThat(run.getStatus().getPhase()).isEqualTo(Phase.FAILED);
        assertThat(run.getStatus().getExitCode()).isEqualTo(3);
        assertThat(run.getStatus().getMessage()).contains("container agent").contains("exit code 3");
        assertJobFailed(name, "BackoffLimitExceeded");
    }

    /** d: the Job's activeDeadlineSeconds fires; the Job controller deletes the pod. */
    @Test
    void aRunPastItsTimeoutTimesOutAndItsPodIsGone() {
        var name = "slow";
        var run = run(ns, name, Map.of(HOLD, "true"));
        run.getSpec().setTimeout("5s");
        try (var watch = new PhaseWatch(client(), ns, name)) {
            create(run);
            awaitPhase(ns, name, Phase.RUNNING, TIMEOUT);
            run = await(ns, name, TIMEOUT, "terminal", E2eTest::terminal);
            assertThat(run.getStatus().getPhase()).isEqualTo(Phase.TIMED_OUT);
            env().cluster.waitUntil(Duration.ofSeconds(5), "the watch to catch up",
                    () -> watch.phases().contains(Phase.TIMED_OUT));
            // never backwards: the Job controller deletes the pod before it fails the Job, which once made the
            // operator report Running -> Pending ("the Job has not started a pod yet") -> TimedOut
            assertThat(watch.phases()).isSortedAccordingTo(java.util.Comparator.comparing(Phase::ordinal))
                    .startsWith(Phase.PENDING).endsWith(Phase.RUNNING, Phase.TIMED_OUT);
        }
        assertJobFailed(name, "DeadlineExceeded");
        env().cluster.waitUntil(TIMEOUT, "the timed-out run's pod to be deleted",
                () -> client().pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems().isEmpty());
    }

    /** e: kubectl delete; the garbage collector removes the Job, its pod, the PVC and the ConfigMap. */
    @Test
    void deletingARunWithKubectlRemovesEverythingItMade() {
        var name = "deleted";
        create(run(ns, name, Map.of(HOLD, "true")));
        var names = awaitPhase(ns, name, Phase.RUNNING, TIMEOUT).getStatus();
        assertThat(client().pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems()).hasSize(1);
        env().cluster.waitUntil(TIMEOUT, "the workspace PVC to be Bound", () -> "Bound".equals(client()
                .persistentVolumeClaims().inNamespace(ns).withName(names.getWorkspaceClaimName()).get().getStatus()
                .getPhase()));

        var out = Processes.run(env().cluster.work(), List.of(env().cluster.bin("kubectl").toString(),
                "--kubeconfig=" + env().cluster.adminKubeconfig(), "-n", ns, "delete", "agentrun", name));
        assertThat(out).contains("deleted");

        env().cluster.waitUntil(TIMEOUT, "the garbage collector to remove the run's children", () -> client().batch()
                .v1().jobs().inNamespace(ns).withName(name).get() == null
                && client().pods().inNamespace(ns).withLabel(Labels.INSTANCE, name).list().getItems().isEmpty()
                && client().persistentVolumeClaims().inNamespace(ns).withName(names.getWorkspaceClaimName())
                        .get() == null
                && client().configMaps().inNamespace(ns).withName(names.getPromptConfigMapName()).get() == null);
    }

    /**
     * The Job controller sets Failed once every pod has terminated; the run may have ended before, on the interim
     * FailureTarget condition.
     */
    private void assertJobFailed(String name, String reason) {
        env().cluster.waitUntil(TIMEOUT, "Job " + name + " to fail with " + reason, () -> {
            var job = client().batch().v1().jobs().inNamespace(ns).withName(name).get();
            return job.getStatus().getConditions().stream().anyMatch(c -> "Failed".equals(c.getType())
                    && "True".equals(c.getStatus()) && reason.equals(c.getReason()));
        });
    }
}
