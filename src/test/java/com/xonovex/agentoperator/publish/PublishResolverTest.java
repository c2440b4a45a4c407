package com.xonovex.agentoperator.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.ChangePolicy;
import com.xonovex.agentoperator.api.Forge;
import com.xonovex.agentoperator.api.PublishOn;
import com.xonovex.agentoperator.api.PullRequest;
import com.xonovex.agentoperator.api.RunOutput;
import com.xonovex.agentoperator.api.SecretRef;

class PublishResolverTest {
    private static AgentRun run(RunOutput output) {
        var run = Fixtures.run("fix", AgentType.CLAUDE);
        run.getSpec().getRepository().setCredentialsSecretRef(new SecretRef("git-creds"));
        run.getSpec().setOutput(output);
        return run;
    }

    @Test
    void withoutOutputNothingIsPublished() {
        assertThat(PublishResolver.resolve(run(null), new AgentConfigSpec(), Duration.ofHours(1))).isEmpty();
    }

    @Test
    void anEmptyOutputGetsEveryDocumentedDefault() {
        var settings = PublishResolver.resolve(run(new RunOutput()), new AgentConfigSpec(), Duration.ofHours(1))
                .orElseThrow();
        assertThat(settings.branch()).isEqualTo("agent/fix");
        assertThat(settings.allowBaseBranch()).isFalse();
        assertThat(settings.commitMessage()).startsWith("Agent run fix\n\n").contains("team-a/fix");
        assertThat(settings.authorName()).isEqualTo("Agent Operator");
        assertThat(settings.authorEmail()).isEqualTo("agent-operator@users.noreply.xonovex.com");
        assertThat(settings.credentialsSecret()).isEqualTo("git-creds");
        assertThat(settings.publishOn()).isEqualTo(PublishOn.SUCCESS);
        assertThat(settings.graceSeconds()).isZero();
        assertThat(settings.maxFiles()).isEqualTo(500);
        assertThat(settings.maxBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.protectedPaths()).contains(".github/workflows/", ".gitlab-ci.yml", "**/Jenkinsfile");
        assertThat(settings.pullRequest()).isEmpty();
    }

    @Test
    void theRunsPolicyWinsFieldByFieldOverTheAgentConfigs() {
        var config = new AgentConfigSpec();
        var namespace = new ChangePolicy();
        namespace.setMaxFiles(20);
        namespace.setMaxBytes(1000L);
        namespace.setProtectedPaths(List.of("secrets/"));
        config.setDefaultChangePolicy(namespace);
        var output = new RunOutput();
        var own = new ChangePolicy();
        own.setMaxFiles(3);
        output.setChangePolicy(own);
        var settings = PublishResolver.resolve(run(output), config, Duration.ofHours(1)).orElseThrow();
        assertThat(settings.maxFiles()).isEqualTo(3);
        assertThat(settings.maxBytes()).isEqualTo(1000L);
        assertThat(settings.protectedPaths()).containsExactly("secrets/");
    }

    @Test
    void publishingAlwaysKeepsAGraceBeforeTheDeadline() {
        var output = new RunOutput();
        output.setPublishOn(PublishOn.ALWAYS);
        assertThat(PublishResolver.resolve(run(output), new AgentConfigSpec(), Duration.ofHours(1)).orElseThrow()
                .graceSeconds()).isEqualTo(300);
        assertThat(PublishResolver.resolve(run(output), new AgentConfigSpec(), Duration.ofMinutes(10)).orElseThrow()
                .graceSeconds()).isEqualTo(60);
        assertThat(PublishResolver.resolve(run(output), new AgentConfigSpec(), Duration.ofMinutes(2)).orElseThrow()
                .graceSeconds()).isEqualTo(30);
        output.setPublishGraceSeconds(90);
        assertThat(PublishResolver.resolve(run(output), new AgentConfigSpec(), Duration.ofHours(1)).orElseThrow()
                .graceSeconds()).isEqualTo(90);
    }

    @Test
    void aGitHubPullRequestBodyIsJsonBuiltHereWithHostileTextIntact() throws Exception {
        var output = new RunOutput();
        var pr = new PullRequest();
        pr.setProvider(Forge.GITHUB);
        pr.setTitle("Fix \"quotes\" and $(id) `x`");
        pr.setBody("line1\nline2 \\ \u00e9");
        pr.setDraft(true);
        output.setPullRequest(pr);
        var run = run(output);
        run.getSpec().getRepository().setUrl("https://github.com/org/repo.git");
        var request = PublishResolver.resolve(run, new AgentConfigSpec(), Duration.ofHours(1)).orElseThrow()
                .pullRequest().orElseThrow();
        assertThat(request.provider()).isEqualTo("github");
        assertThat(request.apiUrl()).isEqualTo("https://api.github.com");
        assertThat(request.repository()).isEqualTo("org/repo");
        var json = new ObjectMapper().readTree(request.requestJson());
        assertThat(json.path("title").asText()).isEqualTo("Fix \"quotes\" and $(id) `x`");
        assertThat(json.path("body").asText()).isEqualTo("line1\nline2 \\ \u00e9");
        assertThat(json.path("head").asText()).isEqualTo("agent/fix");
        assertThat(json.path("base").asText()).isEqualTo("main");
        assertThat(json.path("draft").asBoolean()).isTrue();
    }

    @Test
    void aGitLabMergeRequestNamesTheEncodedProjectPathOnTheRepositorysHost() throws Exception {
        var output = new RunOutput();
        var pr = new PullRequest();
        pr.setProvider(Forge.GITLAB);
        pr.setBase("develop");
        output.setPullRequest(pr);
        output.setBranch("agent/x");
        var run = run(output);
        run.getSpec().getRepository().setUrl("git@gitlab.example.com:group/sub/project.git");
        var request = PublishResolver.resolve(run, new AgentConfigSpec(), Duration.ofHours(1)).orElseThrow()
                .pullRequest().orElseThrow();
        assertThat(request.apiUrl()).isEqualTo("https://gitlab.example.com/api/v4");
        assertThat(request.repository()).isEqualTo("group%2Fsub%2Fproject");
        var json = new ObjectMapper().readTree(request.requestJson());
        assertThat(json.path("source_branch").asText()).isEqualTo("agent/x");
        assertThat(json.path("target_branch").asText()).isEqualTo("develop");
        assertThat(json.path("title").asText()).isEqualTo("Agent run fix");
    }

    @Test
    void repositoryUrlsOfEveryAcceptedShapeNameTheirRepository() {
        assertThat(ForgeRepository.of("https://github.com/org/repo.git").orElseThrow().githubName())
                .isEqualTo("org/repo");
        assertThat(ForgeRepository.of("ssh://git@github.example.com:2222/org/repo").orElseThrow())
                .isEqualTo(new ForgeRepository("github.example.com", "org/repo"));
        assertThat(ForgeRepository.of("git@gitlab.com:a/b/c.git").orElseThrow().gitlabId()).isEqualTo("a%2Fb%2Fc");
    }
}
