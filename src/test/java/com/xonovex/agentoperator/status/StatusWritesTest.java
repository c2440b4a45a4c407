package com.xonovex.agentoperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.ChildNames;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;

/**
 * Issue 13: at most 4 status writes from creation to a terminal phase, none for a reconciliation that sees nothing
 * new. Replays what the Job controller, the scheduler and the kubelet (or kwok) report, step by step, through
 * {@link PhaseDeriver} and {@link RunStatuses}, and counts writes the way the reconciler's StatusWriter decides them:
 * a write whenever the next status differs from the current one.
 */
class StatusWritesTest {
    private static final ChildNames NAMES = new ChildNames("fix", "fix-0a1b2c3d-workspace", "fix-0a1b2c3d-prompt");
    private static final String START = "2026-11-28T10:00:00Z";
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:05Z");
    private static final Graces GRACES = new Graces(Duration.ofMinutes(2), Duration.ofMinutes(3));

    /** The run as the reconciler's cache holds it, and the writes the reconciler would have sent. */
    private static final class Replay {
        final AgentRun run = new AgentRun();
        final List<Phase> written = new ArrayList<>();

        Replay() {
            run.getMetadata().setName("fix");
            run.getMetadata().setGeneration(1L);
            apply(RunStatuses.started(run, AgentType.CLAUDE, "provider", NAMES, START));
        }

        /** One reconciliation on a Job or pod event; {@code times} reconciliations of the same state. */
        Observation observe(Job job, List<Pod> pods, int times) {
            return observe(job, pods, times, NOW);
        }

        Observation observe(Job job, List<Pod> pods, int times, Instant at) {
            Observation observation = null;
            for (int i = 0; i < times; i++) {
                observation = PhaseDeriver.observe(job, pods, at.plusSeconds(i), GRACES, p -> Optional.empty());
                apply(RunStatuses.observed(run, observation, AgentType.CLAUDE, NAMES, at.plusSeconds(i).toString()));
            }
            return observation;
        }

        private void apply(com.xonovex.agentoperator.api.AgentRunStatus next) {
            if (!Objects.equals(run.getStatus(), next)) {
                written.add(next.getPhase());
                run.setStatus(next);
            }
        }
    }

    @Test
    void aRunFromCreationToSucceededIsWrittenOncePerPhaseAndNotForRepeatedReconciliations() {
        var replay = new Replay();
        var job = job();
        // every state is seen three times: the first may write, the two no-op reconciliations after it may not
        replay.observe(job, List.of(), 3);
        job.getStatus().setStartTime(START);
        replay.observe(job, List.of(), 3);
        // the Job controller made the pod; the scheduler has not looked at it yet
        replay.observe(job, List.of(pod(null, null, List.of(), List.of())), 3);
        // the scheduler cannot place it until the volume provisioner has bound the workspace claim
        replay.observe(job, List.of(pod(null, unschedulable("pod has unbound immediate PersistentVolumeClaims"),
                List.of(), List.of())), 3);
        // bound, no container status yet
        replay.observe(job, List.of(pod("node-1", scheduled(), List.of(), List.of())), 3);
        // the kubelet (kwok's pod-create) reports the containers as initializing
        replay.observe(job, List.of(pod("node-1", scheduled(), List.of(waiting("git-clone", "PodInitializing")),
                List.of(waiting("agent", "PodInitializing")))), 3);
        replay.observe(job, List.of(pod("node-1", scheduled(), List.of(running("git-clone")),
                List.of(waiting("agent", "PodInitializing")))), 3);
        replay.observe(job, List.of(pod("node-1", scheduled(), List.of(terminated("git-clone")),
                List.of(running("agent")))), 3);
        // the agent's container has ended; the Job controller has not said so yet
        replay.observe(job, List.of(pod("node-1", scheduled(), List.of(terminated("git-clone")),
                List.of(terminated("agent")))), 3);
        var done = List.of(pod("node-1", scheduled(), List.of(terminated("git-clone")),
                List.of(terminated("agent"))));
        // SuccessCriteriaMet comes first; Complete once every pod has terminated
        job.getStatus().setConditions(List.of(condition("SuccessCriteriaMet")));
        replay.observe(job, done, 3);
        job.getStatus().setCompletionTime("2026-11-28T10:00:04Z");
        job.getStatus().setConditions(List.of(condition("SuccessCriteriaMet"), condition("Complete")));
        replay.observe(job, done, 3);

        assertThat(replay.written).containsExactly(Phase.PENDING, Phase.INITIALIZING, Phase.RUNNING,
                Phase.SUCCEEDED);
        var status = replay.run.getStatus();
        // one write per phase, yet every fact is there
        assertThat(status.getPodName()).isEqualTo("fix-abcde");
        assertThat(status.getStartTime()).isEqualTo(START);
        assertThat(status.getCompletionTime()).isEqualTo("2026-11-28T10:00:04Z");
        assertThat(status.getExitCode()).isZero();
        assertThat(Conditions.isTrue(status.getConditions(), Reasons.POD_SCHEDULED)).isTrue();
        assertThat(Conditions.isTrue(status.getConditions(), Reasons.AGENT_STARTED)).isTrue();
        assertThat(Conditions.reason(status.getConditions(), Reasons.COMPLETE)).isEqualTo(Reasons.COMPLETED);
    }

    /** Unschedulable for longer than the scheduler's longest retry interval: written once, then words change. */
    @Test
    void aPodThatStaysUnschedulableIsWrittenOnceAfterTheGraceWhateverTheSchedulerSays() {
        var replay = new Replay();
        var job = job();
        job.getStatus().setStartTime(START);
        var young = replay.observe(job, List.of(pod(null, unschedulable("0/3 nodes are available: 3 Insufficient "
                + "cpu."), List.of(), List.of())), 2);
        assertThat(replay.written).containsExactly(Phase.PENDING);
        assertThat(young.recheckAfter()).as("looked at again when the grace ends").isEqualTo(Duration.ofSeconds(5));
        var later = NOW.plus(PhaseDeriver.SCHEDULING_GRACE);
        replay.observe(job, List.of(pod(null, unschedulable("0/3 nodes are available: 3 Insufficient cpu."),
                List.of(), List.of())), 2, later);
        replay.observe(job, List.of(pod(null, unschedulable("0/4 nodes are available: 4 Insufficient cpu."),
                List.of(), List.of())), 2, later.plusSeconds(30));
        assertThat(replay.written).containsExactly(Phase.PENDING, Phase.PENDING);
        assertThat(Conditions.reason(replay.run.getStatus().getConditions(), Reasons.POD_SCHEDULED))
                .isEqualTo(Reasons.POD_NOT_SCHEDULED);
        assertThat(replay.run.getStatus().getMessage()).contains("0/3 nodes are available");
    }

    /**
     * A pod waiting for its new workspace claim to be bound is no news for a minute (provisioners take seconds to
     * tens of seconds), but a claim that stays unbound is, like any other reason.
     */
    @Test
    void aPodWaitingForItsClaimIsNewsOnlyAfterTheClaimBindingGrace() {
        var replay = new Replay();
        var job = job();
        job.getStatus().setStartTime(START);
        var unbound = "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 "
                + "nodes are available: 3 Preemption is not helpful for scheduling.";
        var since = Instant.parse("2026-11-28T10:00:01Z");
        var waiting = replay.observe(job, List.of(pod(null, unschedulable(unbound), List.of(), List.of())), 1,
                since.plusSeconds(30));
        assertThat(replay.written).containsExactly(Phase.PENDING);
        assertThat(waiting.recheckAfter()).as("looked at again when the grace ends").isEqualTo(Duration.ofSeconds(30));
        replay.observe(job, List.of(pod(null, unschedulable(unbound), List.of(), List.of())), 2,
                since.plus(PhaseDeriver.CLAIM_BINDING_GRACE));
        assertThat(replay.written).containsExactly(Phase.PENDING, Phase.PENDING);
        assertThat(Conditions.reason(replay.run.getStatus().getConditions(), Reasons.POD_SCHEDULED))
                .isEqualTo(Reasons.POD_NOT_SCHEDULED);
        assertThat(replay.run.getStatus().getMessage()).contains("unbound immediate PersistentVolumeClaims");
    }

    /** A pod waiting for its image says so once; ErrImagePull and ImagePullBackOff alternating is no news. */
    @Test
    void aPodWaitingForItsImageIsWrittenOnceWithItsOwnReason() {
        var replay = new Replay();
        var job = job();
        job.getStatus().setStartTime(START);
        replay.observe(job, List.of(pod("node-1", scheduled(), List.of(waiting("git-clone", "PodInitializing")),
                List.of(waiting("agent", "PodInitializing")))), 2);
        for (var reason : List.of("ErrImagePull", "ImagePullBackOff", "ErrImagePull")) {
            replay.observe(job, List.of(pod("node-1", scheduled(), List.of(waiting("git-clone", reason)),
                    List.of(waiting("agent", "PodInitializing")))), 2);
        }
        assertThat(replay.written).containsExactly(Phase.PENDING, Phase.INITIALIZING, Phase.INITIALIZING);
        var status = replay.run.getStatus();
        assertThat(Conditions.reason(status.getConditions(), Reasons.AGENT_STARTED))
                .isEqualTo(Reasons.WAITING_FOR_IMAGE);
        assertThat(status.getMessage()).contains("git-clone waits for its image");
    }

    private static Job job() {
        return new JobBuilder().withNewMetadata().withName("fix").withUid("job-uid").endMetadata()
                .withNewSpec().withActiveDeadlineSeconds(1800L).endSpec().withNewStatus().endStatus().build();
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobCondition condition(String type) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason("CompletionsReached")
                .withLastTransitionTime("2026-11-28T10:00:04Z").build();
    }

    private static Pod pod(String node, PodCondition scheduled, List<ContainerStatus> init,
            List<ContainerStatus> containers) {
        return new PodBuilder().withNewMetadata().withName("fix-abcde").withCreationTimestamp(START).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withConditions(scheduled == null ? List.of() : List.of(scheduled))
                .withStartTime(node == null ? null : START)
                .withInitContainerStatuses(init).withContainerStatuses(containers).endStatus().build();
    }

    private static PodCondition scheduled() {
        return new PodConditionBuilder().withType("PodScheduled").withStatus("True").build();
    }

    /** As the scheduler reports it, since a second after the pod was created. */
    private static PodCondition unschedulable(String message) {
        return new PodConditionBuilder().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage(message).withLastTransitionTime("2026-11-28T10:00:01Z").build();
    }

    private static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .endWaiting().endState().build();
    }

    private static ContainerStatus running(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewRunning().withStartedAt(START)
                .endRunning().endState().build();
    }

    private static ContainerStatus terminated(String name) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(0)
                .withReason("Completed").endTerminated().endState().build();
    }
}
