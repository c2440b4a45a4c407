package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The repository a run clones. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Repository {
    @JsonPropertyDescription("""
            The repository to clone: an https:// URL, an ssh://[user@]host[:port]/path URL or an scp-like \
            user@host:path address, at most 2048 characters, without whitespace or credentials (put those in \
            credentialsSecretRef). Example: https://github.com/org/repo.git. Required.""")
    @Required
    @Size(min = 1, max = 2048)
    @ValidationRule(value = Validation.URL_SCHEME, message = Validation.URL_SCHEME_MESSAGE)
    @ValidationRule(value = Validation.URL_NO_CREDENTIALS, message = Validation.URL_NO_CREDENTIALS_MESSAGE)
    @ValidationRule(value = Validation.URL_NO_WHITESPACE, message = Validation.URL_NO_WHITESPACE_MESSAGE)
    private String url;

    @JsonPropertyDescription("""
            Branch to check out. Default: the remote's default branch. Letters, digits and . _ + - /, at most \
            255 characters, a valid git branch name that does not start with '-'.""")
    @Size(min = 1, max = 255)
    @ValidationRule(value = Validation.BRANCH_NOT_OPTION, message = Validation.BRANCH_NOT_OPTION_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_NO_DOTDOT, message = Validation.BRANCH_NO_DOTDOT_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_CHARSET, message = Validation.BRANCH_CHARSET_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_SHAPE, message = Validation.BRANCH_SHAPE_MESSAGE)
    private String branch;

    @JsonPropertyDescription("""
            Exact commit to check out (detached HEAD), 7 to 64 hexadecimal digits; it wins over branch. It is \
            fetched by id when no branch contains it.""")
    @Size(min = 7, max = 64)
    @ValidationRule(value = Validation.COMMIT, message = Validation.COMMIT_MESSAGE)
    private String commit;

    @JsonPropertyDescription("""
            A Secret with git credentials, mounted only into the git-clone init container (never the agent's). \
            Keys: token (https; username x-access-token unless a username key is set), or username and password \
            (https), or ssh-privatekey with an optional known_hosts (ssh; without known_hosts the first host key \
            seen is trusted). The run waits (GitCredentialsNotFound) until the Secret exists.""")
    private SecretRef credentialsSecretRef;

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
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

    public SecretRef getCredentialsSecretRef() {
        return credentialsSecretRef;
    }

    public void setCredentialsSecretRef(SecretRef credentialsSecretRef) {
        this.credentialsSecretRef = credentialsSecretRef;
    }
}
