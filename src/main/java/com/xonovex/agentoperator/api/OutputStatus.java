package com.xonovex.agentoperator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the publish step did with the run's work (status.output), as its container reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputStatus {
    @JsonPropertyDescription("""
            Pushed (the branch holds the work), NoChanges (the agent changed nothing; nothing was pushed), Refused \
            (a rule forbade the change; nothing was pushed), PullRequestFailed (pushed, but the request could not \
            be opened) or Failed (the publish step failed).""")
    private String outcome;

    @JsonPropertyDescription("""
            The rule that refused or failed the publish: MaxFilesExceeded, MaxBytesExceeded, ProtectedPath, \
            SymlinkOutsideTree, NestedRepository, BaseBranch, InvalidBranch, NoBaseCommit, FetchFailed, \
            PushFailed, ...""")
    private String rule;

    @JsonPropertyDescription("What the publish step said, at most 160 characters.")
    private String message;

    @JsonPropertyDescription("The branch the work was pushed to.")
    private String branch;

    @JsonPropertyDescription("The pushed commit.")
    private String commit;

    @JsonPropertyDescription("The commit the run cloned, on which the published commit is made.")
    private String baseCommit;

    @JsonPropertyDescription("Files added, changed or deleted by the published commit.")
    private Long changedFiles;

    @JsonPropertyDescription("Bytes of the added and changed files.")
    private Long changedBytes;

    @JsonPropertyDescription("The web address of the pull (merge) request, when one was opened.")
    private String pullRequestURL;

    public String getOutcome() {
        return outcome;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }

    public String getRule() {
        return rule;
    }

    public void setRule(String rule) {
        this.rule = rule;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getBranch() {
        return branch;
    }

    public void setBranch(String branch) {
        this.branch = branch;
    }

    public String getCommit() {
        return commit;
    }

    public void setCommit(String commit) {
        this.commit = commit;
    }

    public String getBaseCommit() {
        return baseCommit;
    }

    public void setBaseCommit(String baseCommit) {
        this.baseCommit = baseCommit;
    }

    public Long getChangedFiles() {
        return changedFiles;
    }

    public void setChangedFiles(Long changedFiles) {
        this.changedFiles = changedFiles;
    }

    public Long getChangedBytes() {
        return changedBytes;
    }

    public void setChangedBytes(Long changedBytes) {
        this.changedBytes = changedBytes;
    }

    public String getPullRequestURL() {
        return pullRequestURL;
    }

    public void setPullRequestURL(String pullRequestURL) {
        this.pullRequestURL = pullRequestURL;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputStatus other && Objects.equals(outcome, other.outcome)
                && Objects.equals(rule, other.rule) && Objects.equals(message, other.message)
                && Objects.equals(branch, other.branch) && Objects.equals(commit, other.commit)
                && Objects.equals(baseCommit, other.baseCommit) && Objects.equals(changedFiles, other.changedFiles)
                && Objects.equals(changedBytes, other.changedBytes)
                && Objects.equals(pullRequestURL, other.pullRequestURL);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, rule, message, branch, commit, baseCommit, changedFiles, changedBytes,
                pullRequestURL);
    }
}
