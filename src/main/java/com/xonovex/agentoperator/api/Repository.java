package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Repository {
    @Required
    @Size(min = 1, max = 2048)
    @ValidationRule(value = Validation.URL_SCHEME, message = Validation.URL_SCHEME_MESSAGE)
    @ValidationRule(value = Validation.URL_NO_CREDENTIALS, message = Validation.URL_NO_CREDENTIALS_MESSAGE)
    @ValidationRule(value = Validation.URL_NO_WHITESPACE, message = Validation.URL_NO_WHITESPACE_MESSAGE)
    private String url;

    /** Branch to check out; the remote's default branch when unset. */
    @Size(min = 1, max = 255)
    @ValidationRule(value = Validation.BRANCH_NOT_OPTION, message = Validation.BRANCH_NOT_OPTION_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_NO_DOTDOT, message = Validation.BRANCH_NO_DOTDOT_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_CHARSET, message = Validation.BRANCH_CHARSET_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_SHAPE, message = Validation.BRANCH_SHAPE_MESSAGE)
    private String branch;

    /** Exact commit to check out (detached); overrides branch. */
    @Size(min = 7, max = 64)
    @ValidationRule(value = Validation.COMMIT, message = Validation.COMMIT_MESSAGE)
    private String commit;

    /**
     * Secret with git credentials: {@code token} (or {@code username} + {@code password}) for https, {@code
     * ssh-privatekey} (+ optional {@code known_hosts}) for ssh.
     */
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
