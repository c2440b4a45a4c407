package com.xonovex.agentoperator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/**
 * What a published change may contain, checked by the publish step before it pushes. A change that breaks a rule is
 * not pushed: the run fails with reason PublishRefused naming the rule, and the work stays on the workspace volume.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChangePolicy {
    @JsonPropertyDescription("""
            At most this many files added, changed or deleted; 0 for no limit. Default: the AgentConfig's \
            defaultChangePolicy, else 500.""")
    @Min(0)
    @Max(1_000_000)
    private Integer maxFiles;

    @JsonPropertyDescription("""
            At most this many bytes in added and changed files together; 0 for no limit. Default: the \
            AgentConfig's defaultChangePolicy, else 10485760 (10 MiB).""")
    @Min(0)
    @Max(1_000_000_000_000L)
    private Long maxBytes;

    @JsonPropertyDescription("""
            Paths the change may not add, change or delete: git wildcard patterns matched against paths from the \
            repository's root, case-insensitively; a pattern also covers everything below it (.github/ covers \
            .github/workflows/ci.yml). Default: the AgentConfig's defaultChangePolicy, else CI definitions that \
            would run with the repository's secrets: .github/workflows/, .github/actions/, .gitlab-ci.yml, \
            .gitlab/, .circleci/, Jenkinsfile, **/Jenkinsfile, .travis.yml, azure-pipelines.yml, .buildkite/, \
            .drone.yml, bitbucket-pipelines.yml, .tekton/, .woodpecker.yml, .woodpecker/. An empty list \
            protects nothing. At most 64 patterns, one per entry.""")
    @Size(max = 64)
    private List<String> protectedPaths;

    public static final List<String> DEFAULT_PROTECTED_PATHS = List.of(".github/workflows/", ".github/actions/",
            ".gitlab-ci.yml", ".gitlab/", ".circleci/", "Jenkinsfile", "**/Jenkinsfile", ".travis.yml",
            "azure-pipelines.yml", ".buildkite/", ".drone.yml", "bitbucket-pipelines.yml", ".tekton/",
            ".woodpecker.yml", ".woodpecker/");
    public static final int DEFAULT_MAX_FILES = 500;
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;

    public Integer getMaxFiles() {
        return maxFiles;
    }

    public void setMaxFiles(Integer maxFiles) {
        this.maxFiles = maxFiles;
    }

    public Long getMaxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(Long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public List<String> getProtectedPaths() {
        return protectedPaths;
    }

    public void setProtectedPaths(List<String> protectedPaths) {
        this.protectedPaths = protectedPaths;
    }
}
