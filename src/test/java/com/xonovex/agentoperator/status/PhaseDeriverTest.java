package com.xonovex.agentoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;

class PhaseDeriverTest {
    private static final String START = "2026-11-28T10:00:00Z";
    private static final String END = "2026-11-28T10:05:00Z";

    private static Job job(String conditionType, String reason) {
        var builder = new JobBuilder().withNewMetadata().withName("fix").endMetadata()
                .withNewSpec().withActiveDeadlineSeconds(1800L).endSpec()
                .withNewStatus().withStartTime(START).endStatus();
        var job = builder.build();
        if (conditionType != null) {
            job.getStatus().setConditions(List.of(new JobConditionBuilder().withType(conditionType)
                    .withStatus("True").withReason(reason).withMessage("job says " + reason)
                    .withLastTransitionTime(END).build()));
            if ("Complete".equals(conditionType)) {
                job.getStatus().setCompletionTime(END);
            }
        }
        return job;
    }

    private static Pod pod(boolean scheduled, List<ContainerStatus> init, List<ContainerStatus> containers) {
        return new PodBuilder().withNewMetadata().withName("fix-abcde").withCreationTimestamp(START).endMetadata()
                .withNewStatus()
                .addNewCondition().withType("PodScheduled").withStatus(scheduled ? "True" : "False")
                .withReason(scheduled ? null : "Unschedulable").withMessage(scheduled ? null : "0/3 nodes available")
                .endCondition()
                .withInitContainerStatuses(init).withContainerStatuses(containers)
                .endStatus().build();
    }

    private static ContainerStatus running(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewRunning().withStartedAt(START)
                .endRunning().endState().build();
    }

    private static ContainerStatus waiting(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting()
                .withReason("PodInitializing").endWaiting().endState().build();
    }

    private static ContainerStatus terminated(String name, int code) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error").withMessage(code == 0 ? null : "fatal: not found")
                .endTerminated().endState().build();
    }

    @Test
    void aJobWithoutPodIsPending() {
        var o = PhaseDeriver.observe(job(null, null), List.of());
        assertThat(o.phase()).isEqualTo(Phase.PENDING);
        assertThat(o.podName()).isNull();
    }

    @Test
    void anUnscheduledPodIsPendingAndSaysWhy() {
        var o = PhaseDeriver.observe(job(null, null), List.of(pod(false, List.of(), List.of())));
        assertThat(o.phase()).isEqualTo(Phase.PENDING);
        assertThat(o.reason()).isEqualTo("PodNotScheduled");
        assertThat(o.message()).contains("0/3 nodes available");
    }

    @Test
    void aScheduledPodCloningIsInitializing() {
        var o = PhaseDeriver.observe(job(null, null),
                List.of(pod(true, List.of(running("git-clone")), List.of(waiting("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.INITIALIZING);
        assertThat(o.podName()).isEqualTo("fix-abcde");
        assertThat(o.startTime()).isEqualTo(START);
    }

    @Test
    void aRunningAgentContainerIsRunning() {
        var o = PhaseDeriver.observe(job(null, null),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(running("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void aCompleteJobIsSucceededWithExitCodeZero() {
        var o = PhaseDeriver.observe(job("Complete", "CompletionsReached"),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 0)))));
        assertThat(o.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(o.exitCode()).isZero();
        assertThat(o.completionTime()).isEqualTo(END);
    }

    @Test
    void aFailedCloneIsFailedAndNamesTheInitContainer() {
        var o = PhaseDeriver.observe(job("Failed", "BackoffLimitExceeded"),
                List.of(pod(true, List.of(terminated("git-clone", 128)), List.of(waiting("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("InitContainerFailed");
        assertThat(o.message()).contains("init container git-clone").contains("128").contains("fatal: not found");
        assertThat(o.exitCode()).isEqualTo(128);
    }

    @Test
    void aFailedAgentIsFailedWithItsExitCode() {
        var o = PhaseDeriver.observe(job("Failed", "BackoffLimitExceeded"),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 3)))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("AgentFailed");
        assertThat(o.message()).contains("container agent").contains("exit code 3");
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.completionTime()).isEqualTo(END);
    }

    @Test
    void aFailedJobWithoutPodDetailsSaysWhatTheJobSays() {
        var o = PhaseDeriver.observe(job("Failed", "PodFailurePolicy"), List.of());
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.message()).contains("job says PodFailurePolicy");
    }

    @Test
    void anExceededDeadlineIsTimedOutEvenWithoutPods() {
        var o = PhaseDeriver.observe(job("Failed", "DeadlineExceeded"), List.of());
        assertThat(o.phase()).isEqualTo(Phase.TIMED_OUT);
        assertThat(o.message()).contains("1800s");
        assertThat(o.completionTime()).isEqualTo(END);
    }

    @Test
    void aPodThatFailedBeforeTheJobSaysSoIsNotYetTerminal() {
        // the Job controller is the authority: a pod may fail because the deadline killed it
        var o = PhaseDeriver.observe(job(null, null),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 1)))));
        assertThat(o.phase().isTerminal()).isFalse();
    }

    @Test
    void theNewestPodIsTheOneReported() {
        var old = pod(true, List.of(), List.of());
        old.getMetadata().setName("fix-old");
        old.getMetadata().setCreationTimestamp("2026-11-28T09:00:00Z");
        var o = PhaseDeriver.observe(job(null, null), List.of(old, pod(true, List.of(), List.of())));
        assertThat(o.podName()).isEqualTo("fix-abcde");
    }
}
