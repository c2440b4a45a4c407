package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.api.SecretRef;
import com.xonovex.agentoperator.api.Worktree;
import com.xonovex.agentoperator.resolve.ProviderSettings;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;

class AgentJobBuilderTest {
    private static ResolvedRun resolved(AgentType type, Map<String, String> providerEnv, List<EnvVar> namespaceEnv) {
        var adapter = AgentAdapter.forType(type);
        return new ResolvedRun(adapter,
                new ProviderSettings("gemini", new SecretKeyRef("gemini-credentials", "api-key"),
                        adapter.defaultTokenEnv(), providerEnv),
                "example.com/agent-runner:1", Duration.ofMinutes(30), Optional.of("fast"), "5Gi", namespaceEnv);
    }

    private static Job build(AgentRun run, ResolvedRun resolved) {
        return AgentJobBuilder.build(run, resolved, Fixtures.config());
    }

    private static Container agent(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Container clone(Job job) {
        return job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
    }

    private static Map<String, EnvVar> envByName(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void claudeRunsInPrintModeWithJsonOutputUnderTheWrapper() {
        var job = build(Fixtures.run("fix", AgentType.CLAUDE), resolved(AgentType.CLAUDE, Map.of(), List.of()));
        assertThat(agent(job).getCommand()).containsExactly("/bin/sh", "-c", Scripts.RUN_AGENT, "run-agent",
                "claude", "claude", "-p", "--output-format", "stream-json", "--verbose",
                "--dangerously-skip-permissions");
    }

    @Test
    void opencodeRunsHeadlessWithJsonOutputUnderTheWrapper() {
        var job = build(Fixtures.run("fix", AgentType.OPENCODE), resolved(AgentType.OPENCODE, Map.of(), List.of()));
        assertThat(agent(job).getCommand()).containsExactly("/bin/sh", "-c", Scripts.RUN_AGENT, "run-agent",
                "opencode", "opencode", "run", "--format", "json");
        assertThat(envByName(agent(job))).containsKeys("OPENCODE_CONFIG_CONTENT", "OPENCODE_DISABLE_AUTOUPDATE",
                "OPENCODE_DISABLE_MODELS_FETCH");
    }

    private static JsonNode opencodeConfig(Map<String, EnvVar> env) throws Exception {
        return new ObjectMapper().readTree(env.get("OPENCODE_CONFIG_CONTENT").getValue());
    }

    @Test
    void opencodeGetsTheProvidersAnthropicBaseUrlWithV1InItsConfig() throws Exception {
        // Claude Code appends /v1/messages to ANTHROPIC_BASE_URL, OpenCode only /messages: one provider serves both
        var run = Fixtures.run("fix", AgentType.OPENCODE);
        var env = envByName(agent(build(run, resolved(AgentType.OPENCODE,
                Map.of("ANTHROPIC_BASE_URL", "https://gateway.example.com/anthropic/"), List.of()))));
        var config = opencodeConfig(env);
        assertThat(config.at("/provider/anthropic/options/baseURL").asText())
                .isEqualTo("https://gateway.example.com/anthropic/v1");
        assertThat(config.at("/permission/edit").asText()).as("the headless permissions stay").isEqualTo("allow");
        assertThat(env.get("ANTHROPIC_BASE_URL").getValue()).isEqualTo("https://gateway.example.com/anthropic/");

        var withV1 = envByName(agent(build(run, resolved(AgentType.OPENCODE,
                Map.of("ANTHROPIC_BASE_URL", "https://gateway.example.com/v1"), List.of()))));
        assertThat(opencodeConfig(withV1).at("/provider/anthropic/options/baseURL").asText())
                .isEqualTo("https://gateway.example.com/v1");

        var without = envByName(agent(build(run, resolved(AgentType.OPENCODE, Map.of(), List.of()))));
        assertThat(opencodeConfig(without).has("provider")).isFalse();
    }

    @Test
    void opencodeKeepsAUsersOwnConfigAndBaseUrl() throws Exception {
        var run = Fixtures.run("fix", AgentType.OPENCODE);
        var provider = Map.of("ANTHROPIC_BASE_URL", "https://gateway.example.com");
        run.getSpec().setEnv(List.of(env("OPENCODE_CONFIG_CONTENT",
                "{\"provider\":{\"anthropic\":{\"options\":{\"baseURL\":\"https://other.example.com/v1\"}}}}")));
        var own = envByName(agent(build(run, resolved(AgentType.OPENCODE, provider, List.of()))));
        assertThat(opencodeConfig(own).at("/provider/anthropic/options/baseURL").asText())
                .isEqualTo("https://other.example.com/v1");

        run.getSpec().setEnv(List.of(env("OPENCODE_CONFIG_CONTENT", "{\"model\":\"anthropic/x\"}")));
        var merged = opencodeConfig(envByName(agent(build(run, resolved(AgentType.OPENCODE, provider, List.of())))));
        assertThat(merged.at("/model").asText()).isEqualTo("anthropic/x");
        assertThat(merged.at("/provider/anthropic/options/baseURL").asText())
                .isEqualTo("https://gateway.example.com/v1");

        run.getSpec().setEnv(List.of(env("OPENCODE_CONFIG_CONTENT", "not json")));
        assertThat(envByName(agent(build(run, resolved(AgentType.OPENCODE, provider, List.of()))))
                .get("OPENCODE_CONFIG_CONTENT").getValue()).isEqualTo("not json");

        run.getSpec().setEnv(List.of(new EnvVarBuilder().withName("OPENCODE_CONFIG_CONTENT").withNewValueFrom()
                .withNewConfigMapKeyRef("config.json", "opencode", false).endValueFrom().build()));
        var fromConfigMap = envByName(agent(build(run, resolved(AgentType.OPENCODE, provider, List.of()))))
                .get("OPENCODE_CONFIG_CONTENT");
        assertThat(fromConfigMap.getValue()).isNull();
        assertThat(fromConfigMap.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("opencode");
    }

    @Test
    void claudeTakesAnthropicBaseUrlAsItIs() {
        var env = envByName(agent(build(Fixtures.run("fix", AgentType.CLAUDE), resolved(AgentType.CLAUDE,
                Map.of("ANTHROPIC_BASE_URL", "https://gateway.example.com"), List.of()))));
        assertThat(env.get("ANTHROPIC_BASE_URL").getValue()).isEqualTo("https://gateway.example.com");
        assertThat(env).doesNotContainKey("OPENCODE_CONFIG_CONTENT");
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void thePromptNeverAppearsInTheJobButComesFromTheMountedConfigMap(AgentType type) {
        var run = Fixtures.run("fix", type);
        var job = build(run, resolved(type, Map.of(), List.of()));
        assertThat(Serialization.asJson(job)).doesNotContain("Fix the bug");
        assertThat(agent(job).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("prompt");
            assertThat(m.getMountPath()).isEqualTo(AgentJobBuilder.PROMPT_DIR);
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("prompt")).singleElement().satisfies(v -> {
            assertThat(v.getConfigMap().getName()).isEqualTo(ChildNames.of(run).promptConfigMap());
        });
        var configMap = PromptConfigMapBuilder.build(run, resolved(type, Map.of(), List.of()));
        assertThat(configMap.getData()).containsEntry("prompt", run.getSpec().getPrompt());
        assertThat(configMap.getImmutable()).isTrue();
    }

    @Test
    void theWrapperIsToldWhichVariablesHoldSecretsAndOnlyTheOperatorTellsIt() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().setEnv(List.of(env("AGENT_SECRET_ENVS", "NOTHING"),
                new EnvVarBuilder().withName("GITHUB_TOKEN").withNewValueFrom()
                        .withNewSecretKeyRef("token", "github", false).endValueFrom().build(),
                new EnvVarBuilder().withName("REGION").withNewValueFrom()
                        .withNewConfigMapKeyRef("region", "settings", false).endValueFrom().build()));
        var env = envByName(agent(build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()))));
        // names only: the values stay in the Secrets
        assertThat(env.get("AGENT_SECRET_ENVS").getValue()).isEqualTo("ANTHROPIC_AUTH_TOKEN GITHUB_TOKEN");
        assertThat(env.get("AGENT_SECRET_ENVS").getValueFrom()).isNull();
    }

    @Test
    void theTokenReachesTheAgentOnlyAsASecretKeyRef() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().setEnv(List.of(new EnvVarBuilder().withName("ANTHROPIC_AUTH_TOKEN").withValue("leak").build()));
        var job = build(run, resolved(AgentType.CLAUDE, Map.of("ANTHROPIC_AUTH_TOKEN", "leak2"), List.of()));
        var token = envByName(agent(job)).get("ANTHROPIC_AUTH_TOKEN");
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("gemini-credentials");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
        assertThat(envByName(clone(job))).doesNotContainKey("ANTHROPIC_AUTH_TOKEN");
    }

    @Test
    void aProviderCanChooseTheTokenVariable() {
        var adapter = AgentAdapter.forType(AgentType.CLAUDE);
        var resolved = new ResolvedRun(adapter, new ProviderSettings("anthropic",
                new SecretKeyRef("s", "k"), "ANTHROPIC_API_KEY", Map.of()), "img", Duration.ofHours(1),
                Optional.empty(), "10Gi", List.of());
        var env = envByName(agent(build(Fixtures.run("fix", AgentType.CLAUDE), resolved)));
        assertThat(env.get("ANTHROPIC_API_KEY").getValueFrom().getSecretKeyRef().getName()).isEqualTo("s");
        assertThat(env).doesNotContainKey("ANTHROPIC_AUTH_TOKEN");
    }

    @Test
    void environmentPrecedenceIsAgentDefaultsThenAgentConfigThenProviderThenRun() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().setEnv(List.of(env("FROM_RUN", "run"), env("SHARED", "run"), env("HOME", "/root")));
        var namespaceEnv = List.of(env("FROM_CONFIG", "config"), env("SHARED", "config"),
                env("DISABLE_TELEMETRY", "0"), env("BY_PROVIDER", "config"));
        var providerEnv = Map.of("BY_PROVIDER", "provider", "SHARED", "provider");
        var env = envByName(agent(build(run, resolved(AgentType.CLAUDE, providerEnv, namespaceEnv))));
        assertThat(env.get("SHARED").getValue()).isEqualTo("run");
        assertThat(env.get("FROM_RUN").getValue()).isEqualTo("run");
        assertThat(env.get("BY_PROVIDER").getValue()).isEqualTo("provider");
        assertThat(env.get("FROM_CONFIG").getValue()).isEqualTo("config");
        assertThat(env.get("DISABLE_TELEMETRY").getValue()).isEqualTo("0");
        assertThat(env.get("DISABLE_AUTOUPDATER").getValue()).isEqualTo("1");
        assertThat(env.get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC").getValue()).isEqualTo("1");
        assertThat(env.get("HOME").getValue()).as("HOME is the operator's writable emptyDir").isEqualTo("/home/agent");
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void podsAreLockedDownForTheRestrictedPodSecurityStandard(AgentType type) {
        var pod = build(Fixtures.run("fix", type), resolved(type, Map.of(), List.of())).getSpec().getTemplate()
                .getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        var containers = new java.util.ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        assertThat(containers).hasSize(2).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
            assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        });
        assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
    }

    @Test
    void jobRunsOnceWithTheTimeoutAsDeadlineAndIsOwnedByTheRun() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        var job = build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()));
        assertThat(job.getMetadata().getName()).isEqualTo("fix");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
        var owner = job.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("AgentRun");
        assertThat(owner.getApiVersion()).isEqualTo("agent.xonovex.com/v1alpha1");
        assertThat(owner.getUid()).isEqualTo("uid-fix");
        assertThat(owner.getController()).isTrue();
    }

    @Test
    void jobAndPodCarryTheDocumentedLabelsAndTheRunsOwn() {
        var job = build(Fixtures.run("fix", AgentType.OPENCODE), resolved(AgentType.OPENCODE, Map.of(), List.of()));
        var expected = Map.of("app.kubernetes.io/name", "agent-operator", "app.kubernetes.io/instance", "fix",
                "app.kubernetes.io/managed-by", "agent-operator", "agent.xonovex.com/agent-type", "opencode",
                "team", "a");
        assertThat(job.getMetadata().getLabels()).containsAllEntriesOf(expected);
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(expected);
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(Labels.RUN_ANNOTATION, "fix");
    }

    @Test
    void userValuesReachTheCloneScriptOnlyAsEnvironmentVariables() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().getRepository().setBranch("feature/$(reboot)");
        run.getSpec().getRepository().setCommit("abcdef1");
        var worktree = new Worktree();
        worktree.setBranch("agent/work");
        worktree.setSourceBranch("main");
        run.getSpec().setWorktree(worktree);
        var clone = clone(build(run, resolved(AgentType.CLAUDE, Map.of(), List.of())));
        assertThat(clone.getName()).isEqualTo("git-clone");
        assertThat(clone.getCommand()).containsExactly("/bin/sh", "-c", Scripts.GIT_CLONE);
        assertThat(String.join(" ", clone.getCommand())).doesNotContain("$(reboot)").doesNotContain("example.com");
        var env = envByName(clone);
        assertThat(env.get("GIT_REPO_URL").getValue()).isEqualTo("https://example.com/org/repo.git");
        assertThat(env.get("GIT_BRANCH").getValue()).isEqualTo("feature/$(reboot)");
        assertThat(env.get("GIT_COMMIT").getValue()).isEqualTo("abcdef1");
        assertThat(env.get("GIT_WORKTREE_BRANCH").getValue()).isEqualTo("agent/work");
        assertThat(env.get("GIT_WORKTREE_SOURCE").getValue()).isEqualTo("main");
    }

    @Test
    void theAgentWorksInTheWorktreeWhenOneIsAskedFor() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        assertThat(agent(build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()))).getWorkingDir())
                .isEqualTo("/workspace/repo");
        var worktree = new Worktree();
        worktree.setBranch("agent/work");
        run.getSpec().setWorktree(worktree);
        assertThat(agent(build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()))).getWorkingDir())
                .isEqualTo("/workspace/worktree");
    }

    @Test
    void gitCredentialsAreMountedIntoTheCloneContainerOnly() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().getRepository().setCredentialsSecretRef(new SecretRef("git-creds"));
        var job = build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()));
        assertThat(clone(job).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("git-credentials");
            assertThat(m.getMountPath()).isEqualTo(AgentJobBuilder.GIT_CREDENTIALS_DIR);
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(agent(job).getVolumeMounts()).noneMatch(m -> m.getName().equals("git-credentials"));
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("git-credentials")).singleElement().satisfies(v -> {
            assertThat(v.getSecret().getSecretName()).isEqualTo("git-creds");
            assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
        });
    }

    @Test
    void workspaceVolumeIsTheRunsPvcWithTheResolvedStorage() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        var resolved = resolved(AgentType.CLAUDE, Map.of(), List.of());
        var pvc = WorkspacePvcBuilder.build(run, resolved);
        assertThat(pvc.getMetadata().getName()).isEqualTo(ChildNames.of(run).workspaceClaim())
                .matches("fix-[0-9a-f]{8}-workspace");
        assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("5Gi");
        assertThat(pvc.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
        assertThat(build(run, resolved).getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("workspace")).singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName())
                        .isEqualTo(pvc.getMetadata().getName()));
    }

    @Test
    void schedulingAndResourcesComeFromTheRun() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().setNodeSelector(Map.of("pool", "agents"));
        run.getSpec().setTolerations(List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
                .withKey("agents").withOperator("Exists").withEffect("NoSchedule").build()));
        run.getSpec().setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("2Gi")).build());
        var job = build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()));
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getNodeSelector()).containsEntry("pool", "agents");
        assertThat(pod.getTolerations()).extracting("key").containsExactly("agents");
        assertThat(agent(job).getResources().getLimits().get("memory").toString()).isEqualTo("2Gi");
        assertThat(agent(job).getImage()).isEqualTo("example.com/agent-runner:1");
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    @Test
    void theCloneIsToldTheRunsUidSoThatItRefusesAnotherRunsWorkspace() {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        var job = build(run, resolved(AgentType.CLAUDE, Map.of(), List.of()));
        var clone = job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertThat(clone.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("AGENT_RUN_UID");
            assertThat(e.getValue()).isEqualTo("uid-fix");
        });
    }

    @Test
    void aDisruptedPodFailsTheJobThroughItsPodFailurePolicy() {
        var job = build(Fixtures.run("fix", AgentType.CLAUDE), resolved(AgentType.CLAUDE, Map.of(), List.of()));
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getPodFailurePolicy().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getAction()).isEqualTo("FailJob");
            assertThat(rule.getOnPodConditions()).singleElement()
                    .satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
        });
    }

    @Test
    void theCloneRecordsItsBaseCommitWhereTheAgentCannotReachIt() {
        var job = build(Fixtures.run("fix", AgentType.CLAUDE), resolved(AgentType.CLAUDE, Map.of(), List.of()));
        var pod = job.getSpec().getTemplate().getSpec();
        var clone = pod.getInitContainers().get(0);
        assertThat(clone.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("clone-state");
            assertThat(m.getMountPath()).isEqualTo(AgentJobBuilder.CLONE_STATE_DIR);
        });
        assertThat(clone.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("CLONE_STATE_DIR");
            assertThat(e.getValue()).isEqualTo(AgentJobBuilder.CLONE_STATE_DIR);
        });
        var agentVolumes = pod.getContainers().get(0).getVolumeMounts().stream().map(m -> m.getName()).toList();
        var cloneVolumes = clone.getVolumeMounts().stream().map(m -> m.getName()).toList();
        assertThat(agentVolumes).doesNotContain("clone-state", "git-home", "git-credentials", "clone-tmp");
        assertThat(cloneVolumes).doesNotContain("tmp", "agent-home");
    }

    private static ResolvedRun publishing(com.xonovex.agentoperator.api.PublishOn on) {
        var base = resolved(AgentType.CLAUDE, Map.of(), List.of());
        var settings = new com.xonovex.agentoperator.publish.PublishSettings("agent/fix", false, "msg", "A", "a@b",
                "push-creds", on, on == com.xonovex.agentoperator.api.PublishOn.ALWAYS ? 120 : 0, 5, 1000,
                List.of(".github/workflows/", "Jenkinsfile"),
                Optional.of(new com.xonovex.agentoperator.publish.PublishSettings.PullRequestSettings("github",
                        "https://api.github.com", "org/repo", "{\"title\":\"t\"}")));
        return new ResolvedRun(base.agent(), base.provider(), base.image(), base.timeout(), base.storageClass(),
                base.storageSize(), base.namespaceEnv(), Optional.of(settings), null, null);
    }

    @Test
    void withAnOutputTheAgentRunsAsTheLastInitContainerAndPublishAfterIt() {
        var job = build(Fixtures.run("fix", AgentType.CLAUDE), publishing(com.xonovex.agentoperator.api.PublishOn.SUCCESS));
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).extracting("name").containsExactly("git-clone", "agent");
        assertThat(pod.getContainers()).extracting("name").containsExactly("publish");
        var publish = pod.getContainers().get(0);
        var env = publish.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName,
                e -> e.getValue() == null ? "" : e.getValue()));
        assertThat(env).containsEntry("PUBLISH_BRANCH", "agent/fix").containsEntry("PUBLISH_MAX_FILES", "5")
                .containsEntry("PUBLISH_MAX_BYTES", "1000")
                .containsEntry("PUBLISH_PROTECTED_PATHS", ".github/workflows/\nJenkinsfile")
                .containsEntry("PR_PROVIDER", "github").containsEntry("PR_REPOSITORY", "org/repo")
                .containsEntry("PR_REQUEST_JSON", "{\"title\":\"t\"}")
                .containsEntry("AGENT_WORKDIR", "/workspace/repo");
        assertThat(publish.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("workspace");
            assertThat(m.getReadOnly()).as("publish only reads the agent's work").isTrue();
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("push-credentials");
            assertThat(v.getSecret().getSecretName()).isEqualTo("push-creds");
        });
        var agentMounts = pod.getInitContainers().get(1).getVolumeMounts().stream().map(m -> m.getName()).toList();
        assertThat(agentMounts).doesNotContain("push-credentials", "git-credentials", "clone-state", "publish-home",
                "publish-tmp");
        assertThat(publish.getVolumeMounts().stream().map(m -> m.getName()).toList())
                .doesNotContain("tmp", "agent-home", "git-credentials");
        assertThat(pod.getInitContainers().get(1).getEnv()).noneMatch(e -> e.getName().startsWith("AGENT_DEADLINE"));
    }

    @Test
    void publishingAlwaysGivesTheAgentAShorterDeadlineAndASuccessfulExit() {
        var job = build(Fixtures.run("fix", AgentType.CLAUDE), publishing(com.xonovex.agentoperator.api.PublishOn.ALWAYS));
        var agent = job.getSpec().getTemplate().getSpec().getInitContainers().get(1);
        assertThat(agent.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("AGENT_DEADLINE_SECONDS");
            assertThat(e.getValue()).isEqualTo(Long.toString(30 * 60 - 120));
        });
        assertThat(agent.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("AGENT_ALWAYS_SUCCEED"));
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(30L * 60);
    }
}
