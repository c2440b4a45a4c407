package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** Runs that fail, time out or are cancelled for real on the real node, and what the run's status says about it. */
class RunFailuresIT extends RealNodeTest {
    @Test
    void aRepositoryThatDoesNotExistFailsTheCloneAndTheRunNamesIt() throws Exception {
        var ns = newNamespace("no-repo");
        provider(ns, PROVIDER, fakeApi(AgentType.CLAUDE, "unused\n"), Map.of());
        run(ns, "missing-repo", AgentType.CLAUDE, "does-not-exist.git", "5m");
        var run = awaitTerminal(ns, "missing-repo", Duration.ofMinutes(4));
        assertThat(run.getStatus().getPhase()).as("phase%s", describe(ns, run)).isEqualTo(Phase.FAILED);
        assertThat(run.getStatus().getMessage()).startsWith("init container git-clone failed with exit code");
        assertThat(run.getStatus().getExitCode()).isNotZero();
        assertThat(log(ns, run.getStatus().getPodName(), "git-clone")).contains("not found");
    }

    @Test
    void anApiThatAnswers401FailsTheAgentAndTheCliSaysWhy() throws Exception {
        var ns = newNamespace("api-401");
        var api = fakeApi(AgentType.CLAUDE, "unused\n").failWith(401);
        // Claude Code retries a 401 for about two minutes by default; a provider can say how often
        provider(ns, PROVIDER, api, Map.of("CLAUDE_CODE_MAX_RETRIES", "0"));
        run(ns, "unauthorized", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "5m");
        var run = awaitTerminal(ns, "unauthorized", Duration.ofMinutes(4));
        assertThat(run.getStatus().getPhase()).as("phase%s", describe(ns, run)).isEqualTo(Phase.FAILED);
        assertThat(run.getStatus().getMessage()).startsWith("container agent failed with exit code 1");
        assertThat(run.getStatus().getExitCode()).isEqualTo(1);
        assertThat(api.requests()).anySatisfy(r -> assertThat(r.status()).isEqualTo(401));
        // the CLI's reason reaches the status through the agent container's termination message
        assertThat(run.getStatus().getResult()).as("status.result%s", describe(ns, run)).isNotNull();
        assertThat(run.getStatus().getResult().getIsError()).isTrue();
        assertThat(run.getStatus().getResult().getApiErrorStatus()).isEqualTo(401);
        // the CLI's own account of it, in the agent container's log (stream-json's result event)
        assertThat(log(ns, run.getStatus().getPodName(), "agent")).contains("\"is_error\":true")
                .contains("\"api_error_status\":401");
    }

    @Test
    void aTimeoutShorterThanTheAgentKillsThePodThroughTheJobDeadline() throws Exception {
        var ns = newNamespace("timeout");
        var api = fakeApi(AgentType.CLAUDE, "too late\n").delay(Duration.ofSeconds(90));
        provider(ns, PROVIDER, api, Map.of());
        run(ns, "too-slow", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "25s");
        var running = awaitRun(ns, "too-slow", Duration.ofMinutes(2), "Running",
                r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.RUNNING);
        var podName = running.getStatus().getPodName();
        var run = awaitTerminal(ns, "too-slow", Duration.ofMinutes(3));
        assertThat(run.getStatus().getPhase()).as("phase%s", describe(ns, run)).isEqualTo(Phase.TIMED_OUT);
        assertThat(api.received()).as("requests of the agent, waiting for the model's answer").isPositive();
        // the Job controller deletes the pod; the kubelet stops its containers
        await(Duration.ofMinutes(2), "pod " + podName + " gone",
                () -> client().pods().inNamespace(ns).withName(podName).get() == null);
        assertThat(workspace(ns, run).resolve("repo").resolve(WRITTEN)).doesNotExist();
    }

    /**
     * A user cancels an agent that really runs (it waits for the model's answer): the operator suspends the Job, the
     * Job controller deletes the pod and the kubelet kills the agent; the run ends Cancelled, long before its timeout,
     * and the agent's work is not published or kept running.
     */
    @Test
    void cancellingARunningAgentStopsItsPodAndEndsTheRunCancelled() throws Exception {
        var ns = newNamespace("cancel");
        var api = fakeApi(AgentType.CLAUDE, "too late\n").delay(Duration.ofSeconds(120));
        provider(ns, PROVIDER, api, Map.of());
        run(ns, "stop-me", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "10m");
        var running = awaitRun(ns, "stop-me", Duration.ofMinutes(2), "the agent waiting for the model",
                r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.RUNNING && api.received() > 0);
        var podName = running.getStatus().getPodName();
        client().resources(AgentRun.class).inNamespace(ns).withName("stop-me")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");
        var run = awaitTerminal(ns, "stop-me", Duration.ofMinutes(2));
        assertThat(run.getStatus().getPhase()).as("phase%s", describe(ns, run)).isEqualTo(Phase.CANCELLED);
        assertThat(client().batch().v1().jobs().inNamespace(ns).withName("stop-me").get().getSpec().getSuspend())
                .isTrue();
        await(Duration.ofMinutes(2), "pod " + podName + " gone",
                () -> client().pods().inNamespace(ns).withName(podName).get() == null);
        assertThat(workspace(ns, run).resolve("repo").resolve(WRITTEN)).doesNotExist();
    }

    /**
     * An image that is not on the node (and no registry has): the kubelet reports ErrImagePull, then ImagePullBackOff;
     * after the operator's image-pull grace (agent-operator.image-pull-grace, 2 minutes by default, as the chart
     * installs it) the run fails with the kubelet's reason, long before its timeout.
     */
    @Test
    void anImageThatIsNotPresentFailsTheRunWithThePullError() throws Exception {
        var ns = newNamespace("no-image");
        provider(ns, PROVIDER, fakeApi(AgentType.CLAUDE, "unused\n"), Map.of());
        var image = "localhost/agent-runner:does-not-exist";
        var run = newRun(ns, "no-image", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "10m");
        run.getSpec().setImage(image);
        client().resource(run).create();
        Set<String> reasons = ConcurrentHashMap.newKeySet();
        awaitRun(ns, "no-image", Duration.ofMinutes(5), "terminal", r -> {
            client().pods().inNamespace(ns).withLabel("job-name", "no-image").list().getItems().forEach(p -> {
                if (p.getStatus().getInitContainerStatuses() != null) {
                    p.getStatus().getInitContainerStatuses().stream().filter(c -> c.getState().getWaiting() != null)
                            .forEach(c -> reasons.add(c.getState().getWaiting().getReason()));
                }
            });
            return r.getStatus() != null && r.getStatus().getPhase() != null && r.getStatus().getPhase().isTerminal();
        });
        var done = get(ns, "no-image");
        assertThat(done.getStatus().getPhase()).as("phase%s", describe(ns, done)).isEqualTo(Phase.FAILED);
        assertThat(reasons).as("the kubelet's reasons while the run waited").containsAnyOf("ErrImagePull",
                "ImagePullBackOff");
        assertThat(done.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Failed");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isIn("ErrImagePull", "ImagePullBackOff");
        });
        assertThat(done.getStatus().getMessage()).contains(image);
    }
}
