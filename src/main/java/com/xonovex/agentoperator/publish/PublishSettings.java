package com.xonovex.agentoperator.publish;

import java.util.List;
import java.util.Optional;

import com.xonovex.agentoperator.api.PublishOn;

/**
 * How a run's work is published, with every default applied; what the publish container gets as its environment.
 *
 * @param credentialsSecret the Secret with push credentials (mounted only into the publish container)
 * @param graceSeconds with publishOn Always, the seconds of the timeout kept for publishing (0 otherwise)
 */
public record PublishSettings(String branch, boolean allowBaseBranch, String commitMessage, String authorName,
        String authorEmail, String credentialsSecret, PublishOn publishOn, int graceSeconds, int maxFiles,
        long maxBytes, List<String> protectedPaths, Optional<PullRequestSettings> pullRequest) {

    /**
     * @param provider github or gitlab
     * @param repository GitHub's owner/repo or GitLab's encoded project path
     * @param requestJson the whole request body, built here, never by the shell script
     */
    public record PullRequestSettings(String provider, String apiUrl, String repository, String requestJson) {
    }
}
