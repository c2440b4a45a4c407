package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A pull request (GitHub) or merge request (GitLab) opened for the pushed branch. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PullRequest {
    @JsonPropertyDescription("""
            Where to open it: github (pull request, REST API) or gitlab (merge request, REST API v4). The token is \
            the token key of the push credentials Secret (a GitHub token with pull-request write access, a \
            GitLab token with the api scope). Required.""")
    @Required
    private Forge provider;

    @JsonPropertyDescription("""
            Base URL of the forge's REST API, https only. Default: https://api.github.com for github, \
            https://<repository host>/api/v4 for gitlab. Set it for GitHub Enterprise \
            (https://<host>/api/v3) or a GitLab under a path.""")
    @Size(min = 9, max = 512)
    @ValidationRule(value = "self.matches('^https://[A-Za-z0-9][^\\\\s]*$')", message = "must be an https:// URL")
    private String apiURL;

    @JsonPropertyDescription("Title of the request, 1 to 256 characters. Default: the commit message's first line.")
    @Size(min = 1, max = 256)
    private String title;

    @JsonPropertyDescription("Description of the request, at most 65536 characters. Default: which run made it.")
    @Size(max = 65536)
    private String body;

    @JsonPropertyDescription("""
            Branch the request asks to merge into. Default: repository.branch (required when repository.branch is \
            not set). Same rules as repository.branch.""")
    @Size(min = 1, max = 255)
    @ValidationRule(value = Validation.BRANCH_NOT_OPTION, message = Validation.BRANCH_NOT_OPTION_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_NO_DOTDOT, message = Validation.BRANCH_NO_DOTDOT_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_CHARSET, message = Validation.BRANCH_CHARSET_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_SHAPE, message = Validation.BRANCH_SHAPE_MESSAGE)
    private String base;

    @JsonPropertyDescription("Open it as a draft. Default: false.")
    private Boolean draft;

    public Forge getProvider() {
        return provider;
    }

    public void setProvider(Forge provider) {
        this.provider = provider;
    }

    public String getApiURL() {
        return apiURL;
    }

    public void setApiURL(String apiURL) {
        this.apiURL = apiURL;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    public String getBase() {
        return base;
    }

    public void setBase(String base) {
        this.base = base;
    }

    public Boolean getDraft() {
        return draft;
    }

    public void setDraft(Boolean draft) {
        this.draft = draft;
    }
}
