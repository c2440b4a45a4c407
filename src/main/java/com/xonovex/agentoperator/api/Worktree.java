package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A new branch checked out in its own git worktree; the agent works there. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Worktree {
    @Required
    @Size(min = 1, max = 255)
    @ValidationRule(value = Validation.BRANCH_NOT_OPTION, message = Validation.BRANCH_NOT_OPTION_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_NO_DOTDOT, message = Validation.BRANCH_NO_DOTDOT_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_CHARSET, message = Validation.BRANCH_CHARSET_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_SHAPE, message = Validation.BRANCH_SHAPE_MESSAGE)
    private String branch;

    /** Branch the worktree starts from; the checked-out commit when unset. */
    @Size(min = 1, max = 255)
    @ValidationRule(value = Validation.BRANCH_NOT_OPTION, message = Validation.BRANCH_NOT_OPTION_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_NO_DOTDOT, message = Validation.BRANCH_NO_DOTDOT_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_CHARSET, message = Validation.BRANCH_CHARSET_MESSAGE)
    @ValidationRule(value = Validation.BRANCH_SHAPE, message = Validation.BRANCH_SHAPE_MESSAGE)
    private String sourceBranch;

    public String getBranch() {
        return branch;
    }

    public void setBranch(String branch) {
        this.branch = branch;
    }

    public String getSourceBranch() {
        return sourceBranch;
    }

    public void setSourceBranch(String sourceBranch) {
        this.sourceBranch = sourceBranch;
    }
}
