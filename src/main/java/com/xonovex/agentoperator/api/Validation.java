package com.xonovex.agentoperator.api;

/**
 * Patterns and CEL rules shared by the CRD classes. They end up in the generated CRDs, so the API server refuses bad
 * input at admission with a message that names the field.
 */
public final class Validation {
    private Validation() {
    }

    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

    /** Go-style duration, as CEL's duration() and kubectl understand it. */
    public static final String DURATION_FORMAT = "^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$";
    public static final String DURATION_IS_WELL_FORMED = "self.matches('" + DURATION_FORMAT + "')";
    public static final String DURATION_IS_WELL_FORMED_MESSAGE = "must be a duration such as 30m, 1h or 1h30m";
    /** The upper bound keeps a forgotten run from holding a node and a token for ever. */
    public static final String MAX_TIMEOUT = "168h";
    public static final String DURATION_IN_RANGE = "!self.matches('" + DURATION_FORMAT
            + "') || (duration(self) > duration('0s') && duration(self) <= duration('" + MAX_TIMEOUT + "'))";
    public static final String DURATION_IN_RANGE_MESSAGE = "must be greater than 0s and at most " + MAX_TIMEOUT;

    // Git branch names: a safe subset of what git check-ref-format allows, never option-like.
    public static final String BRANCH_NOT_OPTION = "!self.startsWith('-')";
    public static final String BRANCH_NOT_OPTION_MESSAGE = "must not start with '-'";
    public static final String BRANCH_NO_DOTDOT = "!self.contains('..')";
    public static final String BRANCH_NO_DOTDOT_MESSAGE = "must not contain '..'";
    public static final String BRANCH_CHARSET = "self.matches('^[A-Za-z0-9._/+-]+$')";
    public static final String BRANCH_CHARSET_MESSAGE =
            "may contain only letters, digits, '.', '_', '+', '-' and '/'";
    public static final String BRANCH_SHAPE = "!self.startsWith('/') && !self.endsWith('/') && !self.contains('//')"
            + " && !self.startsWith('.') && !self.contains('/.') && !self.endsWith('.') && !self.endsWith('.lock')";
    public static final String BRANCH_SHAPE_MESSAGE =
            "must be a valid git branch name (no leading '/' or '.', no '//' or '/.', no trailing '/', '.' or '.lock')";

    public static final String COMMIT = "self.matches('^[0-9a-fA-F]{7,64}$')";
    public static final String COMMIT_MESSAGE = "must be a hexadecimal commit id of 7 to 64 characters";

    // Repository URLs: https, ssh:// or scp-like user@host:path. Nothing else reaches git (no ext::, file://, options).
    public static final String URL_SCHEME = "self.matches('^https://[A-Za-z0-9]')"
            + " || self.matches('^ssh://([A-Za-z0-9_][A-Za-z0-9._~-]*@)?[A-Za-z0-9]')"
            + " || self.matches('^[A-Za-z0-9_][A-Za-z0-9._~-]*@[A-Za-z0-9][A-Za-z0-9.-]*:[A-Za-z0-9_~.]')";
    public static final String URL_SCHEME_MESSAGE =
            "must be an https:// URL, an ssh:// URL or an scp-like user@host:path address";
    public static final String URL_NO_CREDENTIALS = "!self.matches('^https://[^/]*@')"
            + " && !self.matches('^ssh://[^/@]*:[^/@]*@')";
    public static final String URL_NO_CREDENTIALS_MESSAGE =
            "must not contain credentials; put them in a Secret named by repository.credentialsSecretRef";
    public static final String URL_NO_WHITESPACE = "self.matches('^[^\\\\s]+$')";
    public static final String URL_NO_WHITESPACE_MESSAGE = "must not contain whitespace";

    public static final String ENV_NAME = "^[-._a-zA-Z][-._a-zA-Z0-9]*$";

    /** A US dollar amount as the CLIs take it: digits, optionally a point and up to 4 decimals. */
    public static final String USD = "^[0-9]{1,9}([.][0-9]{1,4})?$";
    public static final String USD_POSITIVE = "!self.matches('" + USD + "') || double(self) > 0.0";
    public static final String USD_POSITIVE_MESSAGE = "must be greater than 0";

    /**
     * An AgentRun's spec cannot change, except cancel and ttlSecondsAfterFinished: field by field, each present in
     * both or in neither, and equal (written out, as CEL cannot compare an object without one of its fields).
     */
    public static final String RUN_SPEC_IMMUTABLE = "has(self.agent) == has(oldSelf.agent) && (!has(self.agent) || self.agent == oldSelf.agent) && has(self.providerRef) == has(oldSelf.providerRef) && (!has(self.providerRef) || self.providerRef == oldSelf.providerRef) && has(self.provider) == has(oldSelf.provider) && (!has(self.provider) || self.provider == oldSelf.provider) && has(self.repository) == has(oldSelf.repository) && (!has(self.repository) || self.repository == oldSelf.repository) && has(self.worktree) == has(oldSelf.worktree) && (!has(self.worktree) || self.worktree == oldSelf.worktree) && has(self.prompt) == has(oldSelf.prompt) && (!has(self.prompt) || self.prompt == oldSelf.prompt) && has(self.resources) == has(oldSelf.resources) && (!has(self.resources) || self.resources == oldSelf.resources) && has(self.timeout) == has(oldSelf.timeout) && (!has(self.timeout) || self.timeout == oldSelf.timeout) && has(self.env) == has(oldSelf.env) && (!has(self.env) || self.env == oldSelf.env) && has(self.image) == has(oldSelf.image) && (!has(self.image) || self.image == oldSelf.image) && has(self.nodeSelector) == has(oldSelf.nodeSelector) && (!has(self.nodeSelector) || self.nodeSelector == oldSelf.nodeSelector) && has(self.tolerations) == has(oldSelf.tolerations) && (!has(self.tolerations) || self.tolerations == oldSelf.tolerations) && has(self.output) == has(oldSelf.output) && (!has(self.output) || self.output == oldSelf.output) && has(self.maxTurns) == has(oldSelf.maxTurns) && (!has(self.maxTurns) || self.maxTurns == oldSelf.maxTurns) && has(self.maxBudgetUSD) == has(oldSelf.maxBudgetUSD) && (!has(self.maxBudgetUSD) || self.maxBudgetUSD == oldSelf.maxBudgetUSD)";
    public static final String RUN_SPEC_IMMUTABLE_MESSAGE =
            "spec is immutable after creation, except cancel and ttlSecondsAfterFinished; create a new AgentRun instead";

    public static final int MAX_PROMPT_LENGTH = 262144;
    public static final int MAX_LIST_ITEMS = 128;
}
