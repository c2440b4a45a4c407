package com.xonovex.agentoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

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

    private static final Instant NOW = Instant.parse("2026-11-28T10:01:00Z");
    private static final Graces GRACES = new Graces(Duration.ofMinutes(2), Duration.ofMinutes(3));

    private static Observation observe(Job job, List<Pod> pods) {
        return PhaseDeriver.observe(job, pods, NOW, GRACES, pod -> Optional.empty());
    }

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
        var o = observe(job(null, null), List.of());
        assertThat(o.phase()).isEqualTo(Phase.PENDING);
        assertThat(o.podName()).isNull();
    }

    @Test
    void anUnscheduledPodIsPendingAndSaysWhy() {
        var o = observe(job(null, null), List.of(pod(false, List.of(), List.of())));
        assertThat(o.phase()).isEqualTo(Phase.PENDING);
        assertThat(o.reason()).isEqualTo("PodNotScheduled");
        assertThat(o.message()).contains("0/3 nodes available");
    }

    @Test
    void aScheduledPodCloningIsInitializing() {
        var o = observe(job(null, null),
                List.of(pod(true, List.of(running("git-clone")), List.of(waiting("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.INITIALIZING);
        assertThat(o.podName()).isEqualTo("fix-abcde");
        assertThat(o.startTime()).isEqualTo(START);
    }

    @Test
    void aRunningAgentContainerIsRunning() {
        var o = observe(job(null, null),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(running("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.RUNNING);
    }

    @Test
    void aCompleteJobIsSucceededWithExitCodeZero() {
        var o = observe(job("Complete", "CompletionsReached"),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 0)))));
        assertThat(o.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(o.exitCode()).isZero();
        assertThat(o.completionTime()).isEqualTo(END);
    }

    @Test
    void aFailedCloneIsFailedAndNamesTheInitContainer() {
        var o = observe(job("Failed", "BackoffLimitExceeded"),
                List.of(pod(true, List.of(terminated("git-clone", 128)), List.of(waiting("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("InitContainerFailed");
        assertThat(o.message()).contains("init container git-clone").contains("128").contains("fatal: not found");
        assertThat(o.exitCode()).isEqualTo(128);
    }

    @Test
    void aFailedAgentIsFailedWithItsExitCode() {
        var o = observe(job("Failed", "BackoffLimitExceeded"),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 3)))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("AgentFailed");
        assertThat(o.message()).contains("container agent").contains("exit code 3");
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.completionTime()).isEqualTo(END);
    }

    @Test
    void aFailedJobWithoutPodDetailsSaysWhatTheJobSays() {
        var o = observe(job("Failed", "PodFailurePolicy"), List.of());
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.message()).contains("job says PodFailurePolicy");
    }

    @Test
    void anExceededDeadlineIsTimedOutEvenWithoutPods() {
        var o = observe(job("Failed", "DeadlineExceeded"), List.of());
        assertThat(o.phase()).isEqualTo(Phase.TIMED_OUT);
        assertThat(o.message()).contains("1800s");
        assertThat(o.completionTime()).isEqualTo(END);
    }

    @Test
    void aPodThatFailedBeforeTheJobSaysSoIsNotYetTerminal() {
        // the Job controller is the authority: a pod may fail because the deadline killed it
        var o = observe(job(null, null),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 1)))));
        assertThat(o.phase().isTerminal()).isFalse();
    }

    @Test
    void theNewestPodIsTheOneReported() {
        var old = pod(true, List.of(), List.of());
        old.getMetadata().setName("fix-old");
        old.getMetadata().setCreationTimestamp("2026-11-28T09:00:00Z");
        var o = observe(job(null, null), List.of(old, pod(true, List.of(), List.of())));
        assertThat(o.podName()).isEqualTo("fix-abcde");
    }

    private static ContainerStatus waitingFor(String name, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .withMessage(message).endWaiting().endState().build();
    }

    /** A pod the kubelet took on at {@code started}, its init container waiting with {@code reason}. */
    private static Pod stuck(String reason, String message, String started) {
        var pod = pod(true, List.of(waitingFor("git-clone", reason, message)),
                List.of(waitingFor("agent", "PodInitializing", null)));
        pod.getStatus().setStartTime(started);
        return pod;
    }

    @Test
    void anInvalidImageNameFailsTheRunAtOnceWithTheKubeletsReason() {
        var o = observe(job(null, null), List.of(stuck("InvalidImageName", "couldn't parse image name \"::\"",
                "2026-11-28T10:00:55Z")));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("InvalidImageName");
        assertThat(o.message()).contains("init container git-clone cannot start (InvalidImageName)")
                .contains("couldn't parse image name");
        assertThat(o.completionTime()).isEqualTo(NOW.toString());
    }

    @Test
    void aMissingSecretKeyInTheAgentsEnvFailsTheRunAtOnce() {
        var pod = pod(true, List.of(terminated("git-clone", 0)), List.of(waitingFor("agent",
                "CreateContainerConfigError", "secret \"gone\" not found")));
        var o = observe(job(null, null), List.of(pod));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("CreateContainerConfigError");
        assertThat(o.message()).contains("container agent cannot start").contains("secret \"gone\" not found");
    }

    @Test
    void anImagePullErrorWaitsForItsGraceThenFailsTheRun() {
        var young = observe(job(null, null), List.of(stuck("ImagePullBackOff", "Back-off pulling image \"x\"",
                "2026-11-28T10:00:30Z")));
        assertThat(young.phase()).isEqualTo(Phase.INITIALIZING);
        assertThat(young.message()).contains("ImagePullBackOff");
        assertThat(young.recheckAfter()).isEqualTo(Duration.ofSeconds(90));

        var old = observe(job(null, null), List.of(stuck("ErrImagePull", "not found", "2026-11-28T09:58:59Z")));
        assertThat(old.phase()).isEqualTo(Phase.FAILED);
        assertThat(old.reason()).isEqualTo("ErrImagePull");
        assertThat(old.message()).contains("not found");
    }

    @Test
    void aVolumeThatDoesNotMountFailsTheRunOnceItsGraceIsOverAndTheEventsSaySo() {
        var creating = stuck("PodInitializing", null, "2026-11-28T09:57:00Z");
        var o = PhaseDeriver.observe(job(null, null), List.of(creating), NOW, GRACES,
                pod -> Optional.of("MountVolume.SetUp failed for volume \"workspace\": no such disk"));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("FailedMount");
        assertThat(o.message()).contains("no such disk");

        var young = stuck("PodInitializing", null, "2026-11-28T10:00:00Z");
        var asked = new boolean[1];
        var waiting = PhaseDeriver.observe(job(null, null), List.of(young), NOW, GRACES, pod -> {
            asked[0] = true;
            return Optional.of("should not be asked yet");
        });
        assertThat(waiting.phase()).isEqualTo(Phase.INITIALIZING);
        assertThat(asked[0]).as("events are read only once the grace is over").isFalse();
        assertThat(waiting.recheckAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aSlowPullWithoutFailedMountEventsKeepsWaiting() {
        var o = observe(job(null, null), List.of(stuck("PodInitializing", null, "2026-11-28T09:50:00Z")));
        assertThat(o.phase()).isEqualTo(Phase.INITIALIZING);
        assertThat(o.recheckAfter()).isEqualTo(GRACES.mount());
    }

    @Test
    void failureTargetEndsTheRunBeforeThePodsHaveTerminated() {
        var o = observe(job("FailureTarget", "DeadlineExceeded"),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(running("agent")))));
        assertThat(o.phase()).isEqualTo(Phase.TIMED_OUT);
    }

    @Test
    void successCriteriaMetEndsTheRunBeforeThePodsHaveTerminated() {
        var o = observe(job("SuccessCriteriaMet", "CompletionsReached"),
                List.of(pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 0)))));
        assertThat(o.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(o.exitCode()).isZero();
    }

    @Test
    void anEvictedPodIsReportedAsADisruptionNotAnAgentFailure() {
        var pod = pod(true, List.of(terminated("git-clone", 0)), List.of(terminated("agent", 137)));
        pod.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                .withType("DisruptionTarget").withStatus("True").withReason("EvictionByEvictionAPI")
                .withMessage("Eviction API: evicting").withLastTransitionTime("2026-11-28T10:00:50Z").build());
        var running = observe(job(null, null), List.of(pod));
        assertThat(running.phase()).isEqualTo(Phase.FAILED);
        assertThat(running.reason()).isEqualTo("PodDisrupted");
        assertThat(running.message()).contains("EvictionByEvictionAPI").contains("Eviction API: evicting");
        var failedJob = observe(job("Failed", "BackoffLimitExceeded"), List.of(pod));
        assertThat(failedJob.reason()).isEqualTo("PodDisrupted");
        assertThat(failedJob.exitCode()).isNull();
    }

    /** The pod may be gone by the time the operator looks: the Job's podFailurePolicy says what happened. */
    @Test
    void aDisruptionCaughtByThePodFailurePolicyIsReportedEvenWithoutThePod() {
        var job = job("Failed", "PodFailurePolicy");
        job.getStatus().getConditions().get(0).setMessage("Pod team-a/fix-abcde has condition DisruptionTarget "
                + "matching FailJob rule at index 0");
        var o = observe(job, List.of());
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("PodDisrupted");
        assertThat(o.message()).contains("DisruptionTarget");
    }

    private static ContainerStatus terminatedWith(String name, int code, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error").withMessage(message).endTerminated().endState().build();
    }

    /** With an output the agent is the last init container and publish the main one. */
    private static Pod publishingPod(ContainerStatus agent, ContainerStatus publish) {
        return pod(true, List.of(terminated("git-clone", 0), agent), List.of(publish));
    }

    @Test
    void theAgentAsAnInitContainerIsRunningAndThenPublishing() {
        var running = observe(job(null, null), List.of(publishingPod(running("agent"), waiting("publish"))));
        assertThat(running.phase()).isEqualTo(Phase.RUNNING);
        assertThat(running.message()).isEqualTo("the agent is running");
        var publishing = observe(job(null, null), List.of(publishingPod(terminated("agent", 0), running("publish"))));
        assertThat(publishing.phase()).isEqualTo(Phase.RUNNING);
        assertThat(publishing.message()).contains("publishing its work");
    }

    @Test
    void aPushedChangeEndsTheRunSucceededWithItsBranchAndPullRequest() {
        var message = "{\"outcome\":\"Pushed\",\"rule\":\"\",\"message\":\"pushed\",\"branch\":\"agent/fix\","
                + "\"commit\":\"" + "a".repeat(40) + "\",\"baseCommit\":\"" + "b".repeat(40) + "\",\"changedFiles\":2,"
                + "\"changedBytes\":120,\"pullRequestURL\":\"https://github.com/org/repo/pull/7\"}";
        var o = observe(job("Complete", "CompletionsReached"),
                List.of(publishingPod(terminated("agent", 0), terminatedWith("publish", 0, message))));
        assertThat(o.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(o.message()).contains("agent/fix").contains("https://github.com/org/repo/pull/7");
        assertThat(o.output().getCommit()).isEqualTo("a".repeat(40));
        assertThat(o.output().getChangedFiles()).isEqualTo(2L);
    }

    @Test
    void aRefusedChangeFailsTheRunNamingTheRule() {
        var message = "{\"outcome\":\"Refused\",\"rule\":\"ProtectedPath\",\"message\":\"the change touches a "
                + "protected path: .github/workflows/ci.yml\",\"branch\":\"agent/fix\",\"commit\":\"\","
                + "\"baseCommit\":\"\",\"changedFiles\":1,\"changedBytes\":10,\"pullRequestURL\":\"\"}";
        var o = observe(job("Failed", "BackoffLimitExceeded"),
                List.of(publishingPod(terminated("agent", 0), terminatedWith("publish", 2, message))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("PublishRefused");
        assertThat(o.message()).contains("(ProtectedPath)").contains(".github/workflows/ci.yml")
                .contains("nothing was pushed");
        assertThat(o.output().getOutcome()).isEqualTo("Refused");
        assertThat(o.output().getCommit()).isNull();
    }

    @Test
    void aFailedAgentBeforePublishingIsAnAgentFailureAndItsResultIsNotQuoted() {
        var o = observe(job("Failed", "BackoffLimitExceeded"), List.of(publishingPod(
                terminatedWith("agent", 1, "{\"agent\":\"claude\",\"isError\":true}"), waiting("publish"))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("AgentFailed");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.message()).doesNotContain("isError");
    }

    @Test
    void aGarbledPublishMessageStillFailsTheRunAsPublishFailed() {
        var o = observe(job("Failed", "BackoffLimitExceeded"),
                List.of(publishingPod(terminated("agent", 0), terminatedWith("publish", 1, "not json"))));
        assertThat(o.reason()).isEqualTo("PublishFailed");
        assertThat(o.output()).isNull();
    }

    private static final String CLAUDE_RESULT = "{\"agent\":\"claude\",\"exitCode\":0,\"isError\":false,"
            + "\"stopReason\":\"success\",\"summary\":\"Fixed it.\",\"costUSD\":\"0.0123\",\"inputTokens\":120,"
            + "\"outputTokens\":45,\"turns\":2,\"sessionId\":\"s-1\",\"models\":[\"claude-sonnet-4-5\"]}";

    @Test
    void theAgentsResultComesWithTheObservationOnceItsContainerEnded() {
        var o = observe(job("Complete", "CompletionsReached"), List.of(pod(true, List.of(terminated("git-clone", 0)),
                List.of(terminatedWith("agent", 0, CLAUDE_RESULT)))));
        assertThat(o.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(o.result().getCostUSD()).isEqualTo("0.0123");
        assertThat(o.result().getInputTokens()).isEqualTo(120L);
        assertThat(o.result().getSummary()).isEqualTo("Fixed it.");
    }

    @Test
    void anAgentStoppedByItsTurnLimitFailsWithMaxTurnsExceeded() {
        var message = "{\"agent\":\"claude\",\"exitCode\":1,\"isError\":true,\"stopReason\":\"error_max_turns\","
                + "\"turns\":3}";
        var o = observe(job("Failed", "BackoffLimitExceeded"), List.of(pod(true, List.of(terminated("git-clone", 0)),
                List.of(terminatedWith("agent", 1, message)))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("MaxTurnsExceeded");
        assertThat(o.message()).contains("exit code 1").contains("error_max_turns");
        assertThat(o.result().getTurns()).isEqualTo(3);
    }

    @Test
    void anApiErrorIsNamedWithItsStatus() {
        var message = "{\"agent\":\"claude\",\"exitCode\":1,\"isError\":true,\"stopReason\":\"api_error\","
                + "\"apiErrorStatus\":401}";
        var o = observe(job("Failed", "BackoffLimitExceeded"), List.of(pod(true, List.of(terminated("git-clone", 0)),
                List.of(terminatedWith("agent", 1, message)))));
        assertThat(o.reason()).isEqualTo("AgentFailed");
        assertThat(o.message()).contains("api_error, API status 401");
    }

    /** publishOn Always: the agent's container exits 0, its message says it failed; what it left is published. */
    @Test
    void aFailedAgentWhoseWorkWasPublishedAnywayEndsFailedWithTheBranch() {
        var agent = "{\"agent\":\"claude\",\"exitCode\":1,\"isError\":true,\"stopReason\":\"error_during_execution\"}";
        var pushed = "{\"outcome\":\"Pushed\",\"branch\":\"agent/fix\",\"commit\":\"" + "c".repeat(40) + "\"}";
        var o = observe(job("Complete", "CompletionsReached"), List.of(publishingPod(terminatedWith("agent", 0, agent),
                terminatedWith("publish", 0, pushed))));
        assertThat(o.phase()).isEqualTo(Phase.FAILED);
        assertThat(o.reason()).isEqualTo("AgentFailed");
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.message()).contains("published to branch agent/fix");
        assertThat(o.output().getBranch()).isEqualTo("agent/fix");
    }

    @Test
    void anAgentThatRanOutOfItsDeadlineBeforePublishingEndsTimedOut() {
        var agent = "{\"agent\":\"opencode\",\"exitCode\":124,\"isError\":true,\"stopReason\":\"timeout\"}";
        var nothing = "{\"outcome\":\"NoChanges\",\"branch\":\"agent/fix\"}";
        var o = observe(job("Complete", "CompletionsReached"), List.of(publishingPod(terminatedWith("agent", 0, agent),
                terminatedWith("publish", 0, nothing))));
        assertThat(o.phase()).isEqualTo(Phase.TIMED_OUT);
        assertThat(o.output().getOutcome()).isEqualTo("NoChanges");
    }
}
