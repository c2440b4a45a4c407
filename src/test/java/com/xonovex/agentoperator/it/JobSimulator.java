package com.xonovex.agentoperator.it;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays the Job controller and the kubelet on an API server that has neither (tier 2): creates the Job's pod from
 * its template and writes the statuses they would write.
 */
final class JobSimulator {
    private final KubernetesClient client;
    private final String namespace;

    JobSimulator(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    Job job(String name) {
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    /** Creates the pod as the Job controller would: template labels and annotations, owned by the Job. */
    Pod startPod(String jobName) {
        var job = job(jobName);
        var template = job.getSpec().getTemplate();
        var labels = new HashMap<>(template.getMetadata().getLabels());
        labels.put("job-name", jobName);
        var pod = new PodBuilder()
                .withNewMetadata()
                .withName(jobName + "-" + Long.toString(System.nanoTime() % 100000, 36))
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                        .withName(jobName).withUid(job.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        var created = client.resource(pod).create();
        job.getStatus().setStartTime(now());
        job.getStatus().setActive(1);
        client.resource(job).updateStatus();
        return created;
    }

    void scheduledAndCloning(Pod pod) {
        setPodStatus(pod, "Pending", List.of(running("git-clone")), List.of(waiting("agent")));
    }

    void agentRunning(Pod pod) {
        setPodStatus(pod, "Running", List.of(terminated("git-clone", 0)), List.of(running("agent")));
    }

    void agentSucceeded(Pod pod, String jobName) {
        agentSucceeded(pod, jobName, null);
    }

    /** As the kubelet reports it, with the agent's termination message (what run-agent.sh wrote). */
    void agentSucceeded(Pod pod, String jobName, String terminationMessage) {
        var agent = new ContainerStatusBuilder(terminated("agent", 0)).editState().editTerminated()
                .withMessage(terminationMessage).endTerminated().endState().build();
        setPodStatus(pod, "Succeeded", List.of(terminated("git-clone", 0)), List.of(agent));
        var job = job(jobName);
        var time = now();
        job.getStatus().setActive(0);
        job.getStatus().setSucceeded(1);
        job.getStatus().setCompletionTime(time);
        job.getStatus().setConditions(List.of(condition("SuccessCriteriaMet", "CompletionsReached", time),
                condition("Complete", "CompletionsReached", time)));
        client.resource(job).updateStatus();
    }

    void cloneFailed(Pod pod, String jobName, int exitCode) {
        setPodStatus(pod, "Failed", List.of(terminated("git-clone", exitCode)), List.of(waiting("agent")));
        failJob(jobName, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }

    void agentFailed(Pod pod, String jobName, int exitCode) {
        setPodStatus(pod, "Failed", List.of(terminated("git-clone", 0)), List.of(terminated("agent", exitCode)));
        failJob(jobName, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }

    /** The deadline passed: the Job controller deletes the pods and fails the Job. */
    void deadlineExceeded(Pod pod, String jobName) {
        client.resource(pod).withGracePeriod(0).delete();
        failJob(jobName, "DeadlineExceeded", "Job was active longer than specified deadline");
    }

    private void failJob(String jobName, String reason, String message) {
        var job = job(jobName);
        var time = now();
        job.getStatus().setActive(0);
        job.getStatus().setFailed(1);
        var conditions = new ArrayList<JobCondition>();
        conditions.add(new JobConditionBuilder(condition("FailureTarget", reason, time)).withMessage(message).build());
        conditions.add(new JobConditionBuilder(condition("Failed", reason, time)).withMessage(message).build());
        job.getStatus().setConditions(conditions);
        client.resource(job).updateStatus();
    }

    private void setPodStatus(Pod pod, String phase, List<ContainerStatus> init, List<ContainerStatus> containers) {
        var current = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
        current.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPhase(phase)
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True")
                        .withLastTransitionTime(now()).build())
                .withInitContainerStatuses(init)
                .withContainerStatuses(containers)
                .build());
        client.resource(current).updateStatus();
    }

    private static JobCondition condition(String type, String reason, String time) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
                .withLastProbeTime(time).withLastTransitionTime(time).build();
    }

    private static ContainerStatus running(String name) {
        return base(name).withNewState().withNewRunning().withStartedAt(now()).endRunning().endState().build();
    }

    private static ContainerStatus waiting(String name) {
        return base(name).withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState()
                .build();
    }

    private static ContainerStatus terminated(String name, int exitCode) {
        return base(name).withNewState().withNewTerminated().withExitCode(exitCode)
                .withReason(exitCode == 0 ? "Completed" : "Error")
                .withMessage(exitCode == 0 ? null : "fatal: repository not found")
                .withStartedAt(now()).withFinishedAt(now()).endTerminated().endState().build();
    }

    private static ContainerStatusBuilder base(String name) {
        return new ContainerStatusBuilder().withName(name).withImage("example.com/agent-runner:test")
                .withImageID("").withReady(false).withRestartCount(0);
    }
}
