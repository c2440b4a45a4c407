package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Publishing a run's work: after the agent, a separate container (which the agent never shares a process or a
 * writable volume with) takes the working tree's files into a fresh repository, checks the change policy, commits on
 * the commit the run cloned and pushes a branch, optionally opening a pull request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunOutput {
    @JsonPropertyDescription("""
            Branch to push the work to, created on the cloned commit. Default: agent/<run name>. It may not be the \
            branch the run cloned (nor the remote's default branch) unless allowBaseBranch is true. Same rules as \
            repository.branch.""")
    @Size(min = 1, max = 255)
    @ValidationRule(value = Validation.BRANCH_NOT_OPTION, message = Validation.BRANCH_NOT_OPTION_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_NO_DOTDOT, message = Validation.BRANCH_NO_DOTDOT_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_CHARSET, message = Validation.BRANCH_CHARSET_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_SHAPE, message = Validation.BRANCH_SHAPE_MESSAGE)
    private String branch;

    @JsonPropertyDescription("Allow pushing to the branch the run cloned (or the remote's default branch). Default: false.")
    private Boolean allowBaseBranch;

    @JsonPropertyDescription("""
            Message of the published commit, 1 to 4096 characters. Default: "Agent run <run name>" and a line \
            naming the run and its agent.""")
    @Size(min = 1, max = 4096)
    private String commitMessage;

    @JsonPropertyDescription("""
            Author and committer of the published commit. Default: Agent Operator \
            <agent-operator@users.noreply.xonovex.com>.""")
    private GitAuthor author;

    @JsonPropertyDescription("""
            A Secret with the credentials to push with (same keys as repository.credentialsSecretRef), for a push \
            identity apart from the clone's. Default: repository.credentialsSecretRef. It is mounted only into the \
            publish container, never the agent's.""")
    private SecretRef credentialsSecretRef;

    @JsonPropertyDescription("""
            When to publish: Success (the agent succeeded) or Always (also after the agent failed or ran out of \
            time; the agent then gets a deadline publishGraceSeconds shorter than the run's timeout, so the \
            publish step still has time). Default: Success.""")
    private PublishOn publishOn;

    @JsonPropertyDescription("""
            With publishOn Always: the seconds of the run's timeout kept for publishing, 30 to 3600. Default: 300, \
            or a tenth of the timeout when that is less.""")
    @io.fabric8.generator.annotation.Min(30)
    @io.fabric8.generator.annotation.Max(3600)
    private Integer publishGraceSeconds;

    @JsonPropertyDescription("What the change may contain; fields not set come from the AgentConfig's defaultChangePolicy.")
    private ChangePolicy changePolicy;

    @JsonPropertyDescription("Open a pull (merge) request for the pushed branch. Default: none, only the branch is pushed.")
    private PullRequest pullRequest;

    public String getBranch() {
        return branch;
    }

    public void setBranch(String branch) {
        this.branch = branch;
    }

    public Boolean getAllowBaseBranch() {
        return allowBaseBranch;
    }

    public void setAllowBaseBranch(Boolean allowBaseBranch) {
        this.allowBaseBranch = allowBaseBranch;
    }

    public String getCommitMessage() {
        return commitMessage;
    }

    public void setCommitMessage(String commitMessage) {
        this.commitMessage = commitMessage;
    }

    public GitAuthor getAuthor() {
        return author;
    }

    public void setAuthor(GitAuthor author) {
        this.author = author;
    }

    public SecretRef getCredentialsSecretRef() {
        return credentialsSecretRef;
    }

    public void setCredentialsSecretRef(SecretRef credentialsSecretRef) {
        this.credentialsSecretRef = credentialsSecretRef;
    }

    public PublishOn getPublishOn() {
        return publishOn;
    }

    public void setPublishOn(PublishOn publishOn) {
        this.publishOn = publishOn;
    }

    public Integer getPublishGraceSeconds() {
        return publishGraceSeconds;
    }

    public void setPublishGraceSeconds(Integer publishGraceSeconds) {
        this.publishGraceSeconds = publishGraceSeconds;
    }

    public ChangePolicy getChangePolicy() {
        return changePolicy;
    }

    public void setChangePolicy(ChangePolicy changePolicy) {
        this.changePolicy = changePolicy;
    }

    public PullRequest getPullRequest() {
        return pullRequest;
    }

    public void setPullRequest(PullRequest pullRequest) {
        this.pullRequest = pullRequest;
    }
}
