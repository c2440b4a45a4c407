package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.InlineProvider;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.workload.ChildNames;
import com.xonovex.agentoperator.api.SecretKeyRef;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class AgentRunReconcilerTest extends OperatorTest {

    private JobSimulator sim() {
        return new JobSimulator(client, namespace);
    }

    private void readyProvider() {
        secret("gemini-credentials", "api-key");
        provider("gemini-provider", "gemini-credentials", "api-key");
    }

    private String createRunWithProvider(String name) {
        var run = newRun(name);
        run.getSpec().setProviderRef("gemini-provider");
        create(run);
        return name;
    }

    private Job awaitJob(String name) {
        await().atMost(TIMEOUT).until(() -> sim().job(name) != null);
        return sim().job(name);
    }

    @Test
    void aRunGetsAWorkspaceAPromptAndAJobAllOwnedByIt() {
        readyProvider();
        var run = create(withRef(newRun("fix-auth-bug")));
        var job = awaitJob("fix-auth-bug");
        var names = ChildNames.of(run);
        assertThat(names.workspaceClaim()).startsWith("fix-auth-bug-").endsWith("-workspace");
        var pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(names.workspaceClaim()).get();
        var prompt = client.configMaps().inNamespace(namespace).withName(names.promptConfigMap()).get();
        for (var child : List.of(job, pvc, prompt)) {
            assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
                assertThat(owner.getUid()).isEqualTo(run.getMetadata().getUid());
                assertThat(owner.getController()).isTrue();
            });
        }
        assertThat(prompt.getData()).containsEntry("prompt", "Fix the authentication bug");
        assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("10Gi");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
        assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).extracting("name")
                .containsExactly("git-clone");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers()).extracting("name").containsExactly("agent");
        assertThat(job.getMetadata().getLabels()).containsEntry("agent.xonovex.com/agent-type", "claude")
                .containsEntry("app.kubernetes.io/instance", "fix-auth-bug");
        var pending = awaitRun("fix-auth-bug", r -> r.getStatus() != null && r.getStatus().getJobName() != null);
        assertThat(pending.getStatus().getPhase()).isEqualTo(Phase.PENDING);
        assertThat(pending.getStatus().getJobName()).isEqualTo("fix-auth-bug");
        assertThat(pending.getStatus().getWorkspaceClaimName()).isEqualTo(names.workspaceClaim());
        assertThat(pending.getStatus().getPromptConfigMapName()).isEqualTo(names.promptConfigMap());
        assertThat(pending.getStatus().getAgent()).isEqualTo(AgentType.CLAUDE);
        assertThat(pending.getStatus().getObservedGeneration()).isEqualTo(1L);
    }

    /** Issue 11: a run (or the AgentConfig) cannot send a shared provider's token elsewhere by overriding its env. */
    @Test
    void theProvidersEnvironmentWinsOverTheConfigsAndTheRunsEnv() {
        readyProvider();
        var configSpec = new com.xonovex.agentoperator.api.AgentConfigSpec();
        configSpec.setEnv(List.of(new EnvVar("ANTHROPIC_BASE_URL", "https://config.example.com", null),
                new EnvVar("FROM_CONFIG", "config", null)));
        config(configSpec);
        var run = withRef(newRun("precedence"));
        run.getSpec().setEnv(List.of(new EnvVar("ANTHROPIC_BASE_URL", "https://evil.example.com", null),
                new EnvVar("ANTHROPIC_MODEL", "run-model", null)));
        create(run);
        var env = agentEnv(awaitJob("precedence"));
        assertThat(env.get("ANTHROPIC_BASE_URL").getValue()).as("the provider's").isEqualTo("http://proxy:8317");
        assertThat(env.get("ANTHROPIC_MODEL").getValue()).as("a key the provider does not set").isEqualTo(
                "run-model");
        assertThat(env.get("FROM_CONFIG").getValue()).isEqualTo("config");
    }

    @Test
    void theTokenReachesTheJobOnlyAsASecretKeyRef() {
        readyProvider();
        create(withRef(newRun("token-run")));
        var job = awaitJob("token-run");
        var agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        var token = agent.getEnv().stream().filter(e -> e.getName().equals("ANTHROPIC_AUTH_TOKEN")).findFirst()
                .orElseThrow();
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("gemini-credentials");
        assertThat(Serialization.asJson(job)).doesNotContain("s3cr3t-token-value");
        assertThat(Serialization.asJson(get("token-run"))).doesNotContain("s3cr3t-token-value");
        assertThat(events("token-run")).extracting(Event::getMessage)
                .allSatisfy(m -> assertThat(m).doesNotContain("s3cr3t-token-value"));
    }

    @Test
    void aRunGoesFromPendingThroughInitializingAndRunningToSucceeded() {
        readyProvider();
        createRunWithProvider("happy");
        awaitJob("happy");
        awaitPhase("happy", Phase.PENDING);
        var pod = sim().startPod("happy");
        sim().scheduledAndCloning(pod);
        var initializing = awaitPhase("happy", Phase.INITIALIZING);
        assertThat(initializing.getStatus().getPodName()).isEqualTo(pod.getMetadata().getName());
        assertThat(initializing.getStatus().getStartTime()).isNotNull();
        sim().agentRunning(pod);
        awaitPhase("happy", Phase.RUNNING);
        sim().agentSucceeded(pod, "happy");
        var done = awaitPhase("happy", Phase.SUCCEEDED);
        assertThat(done.getStatus().getExitCode()).isZero();
        assertThat(done.getStatus().getCompletionTime()).isNotNull();
        assertThat(condition(done, "Complete").getStatus()).isEqualTo("True");
        assertThat(condition(done, "AgentStarted").getStatus()).isEqualTo("True");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(events("happy")).extracting(Event::getReason)
                .contains("Pending", "Initializing", "Running", "Succeeded"));
    }

    @Test
    void aFailedCloneFailsTheRunAndNamesTheInitContainer() {
        readyProvider();
        createRunWithProvider("bad-clone");
        awaitJob("bad-clone");
        var pod = sim().startPod("bad-clone");
        sim().scheduledAndCloning(pod);
        awaitPhase("bad-clone", Phase.INITIALIZING);
        sim().cloneFailed(pod, "bad-clone", 128);
        var failed = awaitPhase("bad-clone", Phase.FAILED);
        assertThat(failed.getStatus().getMessage()).contains("init container git-clone").contains("128");
        assertThat(failed.getStatus().getExitCode()).isEqualTo(128);
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("InitContainerFailed");
        assertThat(failed.getStatus().getCompletionTime()).isNotNull();
    }

    @Test
    void aFailingAgentFailsTheRunWithItsExitCode() {
        readyProvider();
        createRunWithProvider("bad-agent");
        awaitJob("bad-agent");
        var pod = sim().startPod("bad-agent");
        sim().agentRunning(pod);
        awaitPhase("bad-agent", Phase.RUNNING);
        sim().agentFailed(pod, "bad-agent", 2);
        var failed = awaitPhase("bad-agent", Phase.FAILED);
        assertThat(failed.getStatus().getExitCode()).isEqualTo(2);
        assertThat(failed.getStatus().getMessage()).contains("container agent").contains("exit code 2");
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("AgentFailed");
    }

    @Test
    void anExceededDeadlineTimesTheRunOut() {
        readyProvider();
        createRunWithProvider("slow");
        awaitJob("slow");
        var pod = sim().startPod("slow");
        sim().agentRunning(pod);
        awaitPhase("slow", Phase.RUNNING);
        sim().deadlineExceeded(pod, "slow");
        var timedOut = awaitPhase("slow", Phase.TIMED_OUT);
        assertThat(timedOut.getStatus().getMessage()).contains("timeout of 1800s");
        assertThat(condition(timedOut, "Failed").getReason()).isEqualTo("DeadlineExceeded");
        assertThat(timedOut.getStatus().getCompletionTime()).isNotNull();
    }

    @Test
    void aTerminalRunNeverChangesPhaseAgain() throws InterruptedException {
        readyProvider();
        createRunWithProvider("final");
        awaitJob("final");
        var pod = sim().startPod("final");
        sim().agentSucceeded(pod, "final");
        var done = awaitPhase("final", Phase.SUCCEEDED);
        // the Job is deleted behind the operator's back, and a new pod shows up: nothing moves
        client.batch().v1().jobs().inNamespace(namespace).withName("final").delete();
        Thread.sleep(2000);
        var after = get("final");
        assertThat(after.getStatus().getPhase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(after.getStatus()).isEqualTo(done.getStatus());
        assertThat(sim().job("final")).as("no second Job for a finished run").isNull();
    }

    @Test
    void anInlineProviderIsUsed() {
        secret("anthropic-credentials", "api-key");
        var run = newRun("inline");
        var inline = new InlineProvider();
        inline.setName("anthropic");
        inline.setAuthTokenSecretRef(new SecretKeyRef("anthropic-credentials", "api-key"));
        inline.setAuthTokenEnv("ANTHROPIC_API_KEY");
        inline.setEnvironment(Map.of("ANTHROPIC_BASE_URL", "https://api.anthropic.com"));
        run.getSpec().setProvider(inline);
        create(run);
        var env = agentEnv(awaitJob("inline"));
        assertThat(env.get("ANTHROPIC_API_KEY").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("anthropic-credentials");
        assertThat(env.get("ANTHROPIC_BASE_URL").getValue()).isEqualTo("https://api.anthropic.com");
    }

    @Test
    void agentConfigDefaultsApplyToImageTimeoutStorageEnvAgentAndProvider() {
        readyProvider();
        var spec = new AgentConfigSpec();
        spec.setDefaultAgent(AgentType.OPENCODE);
        spec.setDefaultProviders(Map.of("opencode", "gemini-provider"));
        spec.setDefaultImage("example.com/team-image:7");
        spec.setDefaultTimeout("45m");
        spec.setStorageClass("fast");
        spec.setStorageSize("3Gi");
        spec.setEnv(List.of(new EnvVarBuilder().withName("LANG").withValue("en_US.UTF-8").build()));
        config(spec);
        var run = newRun("defaults");
        run.getSpec().setAgent(null);
        run.getSpec().setTimeout(null);
        var created = create(run);
        var job = awaitJob("defaults");
        var agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(agent.getImage()).isEqualTo("example.com/team-image:7");
        assertThat(agent.getCommand()).contains("opencode");
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(2700L);
        assertThat(agentEnv(job).get("LANG").getValue()).isEqualTo("en_US.UTF-8");
        assertThat(agentEnv(job).get("ANTHROPIC_API_KEY").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("gemini-credentials");
        var pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(ChildNames.of(created).workspaceClaim())
                .get();
        assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("3Gi");
        assertThat(awaitRun("defaults", r -> r.getStatus() != null && r.getStatus().getAgent() != null)
                .getStatus().getAgent()).isEqualTo(AgentType.OPENCODE);
    }

    @Test
    void withoutAnyProviderTheRunWaitsAndProceedsOnceOneIsConfigured() {
        create(newRun("no-provider"));
        var waiting = awaitPendingBecause("no-provider", "ProviderNotSet");
        assertThat(waiting.getStatus().getMessage()).contains("defaultProviders.claude");
        assertThat(sim().job("no-provider")).isNull();
        readyProvider();
        var spec = new AgentConfigSpec();
        spec.setDefaultProviders(Map.of("claude", "gemini-provider"));
        config(spec);
        awaitJob("no-provider");
        assertThat(condition(awaitRun("no-provider", r -> r.getStatus().getJobName() != null), "Resolved")
                .getStatus()).isEqualTo("True");
    }

    @Test
    void aMissingProviderSecretOrKeyKeepsTheRunPendingUntilFixed() {
        createRunWithProvider("waits");
        awaitPendingBecause("waits", "ProviderNotFound");
        provider("gemini-provider", "gemini-credentials", "api-key");
        awaitPendingBecause("waits", "ProviderNotReady");
        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("gemini-credentials").withNamespace(namespace).endMetadata()
                .addToStringData("wrong-key", "x").build()).create();
        awaitPendingBecause("waits", "ProviderNotReady");
        assertThat(sim().job("waits")).isNull();
        client.secrets().inNamespace(namespace).withName("gemini-credentials")
                .edit(s -> new io.fabric8.kubernetes.api.model.SecretBuilder(s).addToStringData("api-key", "t")
                        .build());
        awaitJob("waits");
    }

    @Test
    void anInlineProviderWithAMissingSecretOrKeyWaitsWithThatReason() {
        var run = newRun("inline-wait");
        var inline = new InlineProvider();
        inline.setAuthTokenSecretRef(new SecretKeyRef("later", "api-key"));
        run.getSpec().setProvider(inline);
        create(run);
        var waiting = awaitPendingBecause("inline-wait", "SecretNotFound");
        assertThat(waiting.getStatus().getMessage()).contains("later");
        secret("later", "other-key");
        awaitPendingBecause("inline-wait", "SecretKeyNotFound");
        client.secrets().inNamespace(namespace).withName("later")
                .edit(s -> new io.fabric8.kubernetes.api.model.SecretBuilder(s).addToStringData("api-key", "t")
                        .build());
        awaitJob("inline-wait");
    }

    @Test
    void aRunNameTooLongForAJobStillWorks() {
        readyProvider();
        var name = "a-very-long-agent-run-name-that-does-not-fit-into-a-job-name-or-a-label-value-at-all";
        create(withRef(newRun(name)));
        var run = awaitRun(name, r -> r.getStatus() != null && r.getStatus().getJobName() != null);
        var jobName = run.getStatus().getJobName();
        assertThat(jobName).hasSizeLessThanOrEqualTo(63);
        var pod = sim().startPod(jobName);
        sim().agentRunning(pod);
        awaitPhase(name, Phase.RUNNING);
    }

    private static com.xonovex.agentoperator.api.AgentRun withRef(com.xonovex.agentoperator.api.AgentRun run) {
        run.getSpec().setProviderRef("gemini-provider");
        return run;
    }

    private static Map<String, EnvVar> agentEnv(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, e -> e));
    }

    private List<Event> events(String runName) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> runName.equals(e.getInvolvedObject().getName())).toList();
    }
}
