package com.xonovex.agentoperator.publish;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.ChangePolicy;
import com.xonovex.agentoperator.api.Forge;
import com.xonovex.agentoperator.api.PublishOn;
import com.xonovex.agentoperator.api.RunOutput;

/**
 * Applies the documented defaults of spec.output: the run's own values, else the AgentConfig's
 * defaultChangePolicy, else the operator's. Pure. Builds the pull request's JSON body here, with Jackson, so that
 * no user text is ever assembled into JSON by a shell script.
 */
public final class PublishResolver {
    public static final String DEFAULT_AUTHOR_NAME = "Agent Operator";
    public static final String DEFAULT_AUTHOR_EMAIL = "agent-operator@users.noreply.xonovex.com";
    static final int DEFAULT_GRACE_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PublishResolver() {
    }

    /** Empty when the run publishes nothing; an error message when the output cannot work as asked. */
    public static Optional<PublishSettings> resolve(AgentRun run, AgentConfigSpec config, Duration timeout) {
        var output = run.getSpec().getOutput();
        if (output == null) {
            return Optional.empty();
        }
        var name = run.getMetadata().getName();
        var agent = run.getSpec().getAgent() == null ? "agent" : run.getSpec().getAgent().value();
        var branch = output.getBranch() != null ? output.getBranch() : "agent/" + name;
        var message = output.getCommitMessage() != null ? output.getCommitMessage()
                : "Agent run " + name + "\n\nMade by the " + agent + " agent of AgentRun "
                        + run.getMetadata().getNamespace() + "/" + name + ".";
        var author = output.getAuthor();
        var credentials = output.getCredentialsSecretRef() != null ? output.getCredentialsSecretRef().getName()
                : run.getSpec().getRepository().getCredentialsSecretRef().getName();
        var publishOn = output.getPublishOn() != null ? output.getPublishOn() : PublishOn.SUCCESS;
        var grace = publishOn == PublishOn.ALWAYS ? graceSeconds(output, timeout) : 0;
        var own = output.getChangePolicy() == null ? new ChangePolicy() : output.getChangePolicy();
        var namespace = config.getDefaultChangePolicy() == null ? new ChangePolicy() : config.getDefaultChangePolicy();
        int maxFiles = firstSet(own.getMaxFiles(), namespace.getMaxFiles(), ChangePolicy.DEFAULT_MAX_FILES);
        long maxBytes = firstSet(own.getMaxBytes(), namespace.getMaxBytes(), ChangePolicy.DEFAULT_MAX_BYTES);
        List<String> protectedPaths = firstSet(own.getProtectedPaths(), namespace.getProtectedPaths(),
                ChangePolicy.DEFAULT_PROTECTED_PATHS);
        return Optional.of(new PublishSettings(branch, Boolean.TRUE.equals(output.getAllowBaseBranch()), message,
                author != null ? author.getName() : DEFAULT_AUTHOR_NAME,
                author != null ? author.getEmail() : DEFAULT_AUTHOR_EMAIL, credentials, publishOn, grace, maxFiles,
                maxBytes, List.copyOf(protectedPaths), pullRequest(run, output, branch, message)));
    }

    /** The time kept for publishing: as asked, else 300 s or a tenth of the timeout when that is less (≥ 30 s). */
    static int graceSeconds(RunOutput output, Duration timeout) {
        if (output.getPublishGraceSeconds() != null) {
            return output.getPublishGraceSeconds();
        }
        return (int) Math.max(30, Math.min(DEFAULT_GRACE_SECONDS, timeout.toSeconds() / 10));
    }

    private static Optional<PublishSettings.PullRequestSettings> pullRequest(AgentRun run, RunOutput output,
            String branch, String commitMessage) {
        var request = output.getPullRequest();
        if (request == null) {
            return Optional.empty();
        }
        var repository = ForgeRepository.of(run.getSpec().getRepository().getUrl())
                .orElseThrow(() -> new IllegalArgumentException("repository.url names no repository path"));
        var base = request.getBase() != null ? request.getBase() : run.getSpec().getRepository().getBranch();
        var title = request.getTitle() != null ? request.getTitle() : commitMessage.lines().findFirst().orElse(branch);
        var body = request.getBody() != null ? request.getBody()
                : "Opened by Agent Operator for AgentRun " + run.getMetadata().getNamespace() + "/"
                        + run.getMetadata().getName() + ".";
        boolean draft = Boolean.TRUE.equals(request.getDraft());
        ObjectNode json = JSON.createObjectNode();
        if (request.getProvider() == Forge.GITLAB) {
            json.put("source_branch", branch).put("target_branch", base).put("title", title)
                    .put("description", body).put("draft", draft);
            var api = request.getApiURL() != null ? request.getApiURL() : "https://" + repository.host() + "/api/v4";
            return Optional.of(new PublishSettings.PullRequestSettings("gitlab", api, repository.gitlabId(),
                    json.toString()));
        }
        json.put("title", title).put("body", body).put("head", branch).put("base", base).put("draft", draft);
        var api = request.getApiURL() != null ? request.getApiURL() : "https://api.github.com";
        return Optional.of(new PublishSettings.PullRequestSettings("github", api, repository.githubName(),
                json.toString()));
    }

    @SafeVarargs
    private static <T> T firstSet(T... values) {
        for (var value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
