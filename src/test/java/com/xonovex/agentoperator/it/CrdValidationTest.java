package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Every CRD validation rule, enforced by the real API server with a message that names the field. */
class CrdValidationTest extends ClusterTest {
    private static final String VALID_RUN = """
            apiVersion: agent.xonovex.com/v1alpha1
            kind: AgentRun
            metadata:
              name: run
            spec:
              agent: claude
              providerRef: gemini-provider
              repository:
                url: https://github.com/org/repo.git
                branch: main
              prompt: do it
              timeout: 30m
            """;

    private GenericKubernetesResource run(Consumer<Map<String, Object>> change) {
        var run = Serialization.unmarshal(VALID_RUN, GenericKubernetesResource.class);
        run.getMetadata().setNamespace(namespace);
        @SuppressWarnings("unchecked")
        var spec = (Map<String, Object>) run.getAdditionalProperties().get("spec");
        change.accept(spec);
        return run;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> repository(Map<String, Object> spec) {
        return (Map<String, Object>) spec.get("repository");
    }

    private void assertRefused(GenericKubernetesResource resource, String... fragments) {
        assertThatThrownBy(() -> client.resource(resource).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains(fragments);
                });
    }

    @Test
    void aValidRunIsAccepted() {
        assertThat(client.resource(run(s -> { })).create().getMetadata().getUid()).isNotBlank();
    }

    @Test
    void agentMustBeAKnownAgent() {
        assertRefused(run(s -> s.put("agent", "gpt")), "spec.agent", "supported values", "claude", "opencode");
    }

    @Test
    void providerAndProviderRefAreMutuallyExclusive() {
        assertRefused(run(s -> s.put("provider", Map.of("name", "inline"))), "spec",
                "provider and providerRef are mutually exclusive");
    }

    @Test
    void repositoryUrlIsRequired() {
        assertRefused(run(s -> repository(s).remove("url")), "spec.repository.url", "Required value");
    }

    @Test
    void promptIsRequired() {
        assertRefused(run(s -> s.remove("prompt")), "spec.prompt", "Required value");
    }

    @ParameterizedTest
    @ValueSource(strings = { "ext::sh -c touch% /tmp/pwned", "file:///etc/passwd", "-uhelp", "--upload-pack=touch",
            "http://example.com/repo.git", "/local/path", "git://example.com/repo.git" })
    void repositoryUrlMustBeHttpsSshOrScpLike(String url) {
        assertRefused(run(s -> repository(s).put("url", url)), "spec.repository.url",
                "must be an https:// URL, an ssh:// URL or an scp-like user@host:path address");
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://user:pass@github.com/org/repo.git", "https://token@github.com/org/repo.git",
            "ssh://git:secret@example.com/repo.git" })
    void repositoryUrlMustNotCarryCredentials(String url) {
        assertRefused(run(s -> repository(s).put("url", url)), "spec.repository.url",
                "must not contain credentials");
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://github.com/org/repo.git", "ssh://git@example.com:2222/org/repo.git",
            "git@github.com:org/repo.git" })
    void repositoryUrlAcceptsHttpsSshAndScpLike(String url) {
        var run = run(s -> repository(s).put("url", url));
        run.getMetadata().setName("ok-" + Math.abs(url.hashCode()));
        assertThat(client.resource(run).create()).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("badBranches")
    void branchNamesMustBeSafeGitNames(String branch, String message) {
        assertRefused(run(s -> repository(s).put("branch", branch)), "spec.repository.branch", message);
        assertRefused(run(s -> s.put("worktree", Map.of("branch", branch))), "spec.worktree.branch", message);
        assertRefused(run(s -> s.put("worktree", Map.of("branch", "ok", "sourceBranch", branch))),
                "spec.worktree.sourceBranch", message);
    }

    static Object[][] badBranches() {
        return new Object[][] {
                { "-x", "must not start with '-'" },
                { "--upload-pack=evil", "must not start with '-'" },
                { "a..b", "must not contain '..'" },
                { "a b", "may contain only" },
                { "a;rm", "may contain only" },
                { "$(id)", "may contain only" },
                { "/main", "must be a valid git branch name" },
                { "main.lock", "must be a valid git branch name" },
        };
    }

    @ParameterizedTest
    @ValueSource(strings = { "xyz1234", "abc", "-abcdef1", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01" })
    void commitMustBeAHexId(String commit) {
        assertRefused(run(s -> repository(s).put("commit", commit)), "spec.repository.commit");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0s", "169h", "10d", "forever", "-5m" })
    void timeoutMustBeAPositiveDurationUpToAWeek(String timeout) {
        assertRefused(run(s -> s.put("timeout", timeout)), "spec.timeout");
    }

    @Test
    void promptMayBeLongButBounded() {
        var big = "p".repeat(256 * 1024);
        var run = run(s -> s.put("prompt", big));
        run.getMetadata().setName("big-prompt");
        assertThat(client.resource(run).create()).isNotNull();
        assertRefused(run(s -> s.put("prompt", big + "x")), "spec.prompt", "Too long");
    }

    @Test
    void theSpecIsImmutableAfterCreation() {
        var created = client.resource(run(s -> { })).create();
        var runs = client.genericKubernetesResources("agent.xonovex.com/v1alpha1", "AgentRun").inNamespace(namespace)
                .withName(created.getMetadata().getName());
        // merge patches carry no resourceVersion, so the operator writing status meanwhile cannot cause a 409
        var merge = io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE);
        assertThatThrownBy(() -> runs.patch(merge, "{\"spec\":{\"prompt\":\"something else\"}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getMessage()).contains("spec is immutable");
        });
        var labelled = runs.patch(merge, "{\"metadata\":{\"labels\":{\"team\":\"a\"}}}");
        assertThat(labelled.getMetadata().getLabels()).containsEntry("team", "a");
        assertThat(spec(labelled)).containsEntry("prompt", "do it");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    @Test
    void agentConfigDefaultProvidersKeysMustBeAgentsAndValuesValid() {
        var config = Serialization.unmarshal("""
                apiVersion: agent.xonovex.com/v1alpha1
                kind: AgentConfig
                metadata:
                  name: default
                spec:
                  defaultProviders:
                    gpt: some-provider
                """, GenericKubernetesResource.class);
        config.getMetadata().setNamespace(namespace);
        assertRefused(config, "spec.defaultProviders", "keys must be agent types");
        var badTimeout = Serialization.unmarshal("""
                apiVersion: agent.xonovex.com/v1alpha1
                kind: AgentConfig
                metadata:
                  name: default
                spec:
                  defaultTimeout: 0s
                  storageSize: lots
                """, GenericKubernetesResource.class);
        badTimeout.getMetadata().setNamespace(namespace);
        assertRefused(badTimeout, "spec.defaultTimeout", "spec.storageSize");
    }

    @Test
    void providerSecretRefsMustBeValidNames() {
        var provider = Serialization.unmarshal("""
                apiVersion: agent.xonovex.com/v1alpha1
                kind: AgentProvider
                metadata:
                  name: p
                spec:
                  authTokenSecretRef:
                    name: Not_A_Name
                    key: api-key
                  authTokenEnv: "1BAD"
                """, GenericKubernetesResource.class);
        provider.getMetadata().setNamespace(namespace);
        assertRefused(provider, "spec.authTokenSecretRef.name", "spec.authTokenEnv");
    }
}
