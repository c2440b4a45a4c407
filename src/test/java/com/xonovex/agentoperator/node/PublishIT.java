package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Forge;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.PullRequest;
import com.xonovex.agentoperator.api.RunOutput;
import com.xonovex.agentoperator.api.SecretRef;
import com.xonovex.agentoperator.support.FakeForgeApi;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * A run that produces its work, on the real node: the real claude CLI writes a file; the publish container (the
 * runner image, the operator's publish.sh) pushes it as a branch to the test git server over https with the push
 * credentials and opens a pull request on the fake GitHub API; the run's status carries the result the agent
 * container reported and the branch, commit and pull request publish reported.
 */
class PublishIT extends RealNodeTest {
    @Test
    void aRunPushesItsWorkAsABranchOpensAPullRequestAndReportsItsCost() throws Exception {
        var ns = newNamespace("publish");
        var content = "published by claude " + UUID.randomUUID() + "\n";
        var api = fakeApi(AgentType.CLAUDE, content);
        provider(ns, PROVIDER, api, Map.of());
        // the push identity: git authenticates with username + token (as a GitHub token), the API with the token
        client().secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("push-credentials")
                .endMetadata().addToStringData("username", RealNodeEnvironment.GIT_USER)
                .addToStringData("token", RealNodeEnvironment.GIT_PASSWORD).build()).create();
        env().forge.reset();
        var branch = "agent/published-" + UUID.randomUUID().toString().substring(0, 6);

        var run = newRun(ns, "publish-the-work", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "5m");
        var output = new RunOutput();
        output.setBranch(branch);
        output.setCredentialsSecretRef(new SecretRef("push-credentials"));
        var pr = new PullRequest();
        pr.setProvider(Forge.GITHUB);
        pr.setApiURL(env().forge.githubUrl());
        pr.setTitle("The agent's file");
        pr.setBase("main");
        output.setPullRequest(pr);
        run.getSpec().setOutput(output);
        client().resource(run).create();

        var done = awaitTerminal(ns, "publish-the-work", Duration.ofMinutes(5));
        assertThat(done.getStatus().getPhase()).as("phase%s", describe(ns, done)).isEqualTo(Phase.SUCCEEDED);

        // what publish reported
        var published = done.getStatus().getOutput();
        assertThat(published.getOutcome()).isEqualTo("Pushed");
        assertThat(published.getBranch()).isEqualTo(branch);
        assertThat(published.getCommit()).matches("[0-9a-f]{40}");
        assertThat(published.getChangedFiles()).isEqualTo(1L);
        assertThat(published.getPullRequestURL()).isEqualTo(FakeForgeApi.GITHUB_PR_URL);
        assertThat(done.getStatus().getMessage()).contains(branch);

        // the branch on the server holds the file, on top of main, as the run's commit
        var bare = env().gitRoot.resolve(RealNodeEnvironment.REPOSITORY);
        assertThat(git(bare, "rev-parse", "refs/heads/" + branch)).isEqualTo(published.getCommit());
        assertThat(git(bare, "show", branch + ":" + WRITTEN)).isEqualTo(content.strip());
        assertThat(git(bare, "rev-parse", branch + "^")).isEqualTo(git(bare, "rev-parse", "refs/heads/main"));
        assertThat(git(bare, "log", "-1", "--format=%an <%ae>", branch))
                .isEqualTo("Agent Operator <agent-operator@users.noreply.xonovex.com>");

        // the pull request: to the repository's owner/name, with the token, from the branch into main
        assertThat(env().forge.requests).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/repos/private/project/pulls");
            assertThat(request.header("Authorization")).isEqualTo("Bearer " + RealNodeEnvironment.GIT_PASSWORD);
            assertThat(request.json().path("head").asText()).isEqualTo(branch);
            assertThat(request.json().path("base").asText()).isEqualTo("main");
            assertThat(request.json().path("title").asText()).isEqualTo("The agent's file");
        });

        // the agent's result: the fake API's token counts and the CLI's cost
        var result = done.getStatus().getResult();
        var turns = api.requests().stream().filter(r -> r.hasTools() && r.usage() != null).toList();
        assertThat(result.getIsError()).isFalse();
        assertThat(result.getInputTokens()).isEqualTo(turns.stream().mapToLong(r -> r.usage().input()).sum());
        assertThat(result.getOutputTokens()).isEqualTo(turns.stream().mapToLong(r -> r.usage().output()).sum());
        assertThat(result.getCostUSD()).matches("[0-9]+(\\.[0-9]+)?");
        assertThat(Double.parseDouble(result.getCostUSD())).isPositive();
        assertThat(result.getTurns()).isPositive();
        // the transcript stays on the workspace volume, next to the work
        var transcript = workspace(ns, done).resolve(".agent-operator/transcript.jsonl");
        assertThat(Files.readString(transcript)).contains("\"type\":\"result\"");
        // the agent never saw the push credentials: its container has no such mount
        var pod = pod(ns, done);
        var agent = pod.getSpec().getInitContainers().stream().filter(c -> c.getName().equals("agent")).findFirst()
                .orElseThrow();
        assertThat(agent.getVolumeMounts()).noneMatch(m -> m.getName().contains("credentials"));
    }

    private static String git(Path dir, String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
        }
        return out;
    }
}
