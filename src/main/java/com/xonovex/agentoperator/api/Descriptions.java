package com.xonovex.agentoperator.api;

/**
 * Descriptions shared by fields that mean the same thing on several kinds, so {@code kubectl explain} says the same
 * words wherever the concept appears. Single-use descriptions sit on their fields.
 */
final class Descriptions {
    private Descriptions() {
    }

    static final String AUTH_TOKEN_ENV = """
            The environment variable of the agent container that receives the token from authTokenSecretRef. \
            Default: ANTHROPIC_AUTH_TOKEN for claude (sent as a Bearer token), ANTHROPIC_API_KEY for opencode. \
            Example: ANTHROPIC_API_KEY to send the token as an x-api-key header to Claude Code.""";

    static final String PROVIDER_ENVIRONMENT = """
            Plain environment variables of the agent container that configure the provider, such as \
            ANTHROPIC_BASE_URL, ANTHROPIC_MODEL or API_TIMEOUT_MS. A map of literal values, not a list of \
            EnvVar: provider settings are plain configuration, and the provider's only secret travels through \
            authTokenSecretRef (a run or AgentConfig env, which may read Secrets and ConfigMaps, is a list). \
            ANTHROPIC_BASE_URL is the API root for both agents (the operator appends /v1 for opencode). \
            At most 128 entries.""";

    static final String ENV = """
            Environment variables of the agent container, as in a Pod's container env: a literal value or \
            valueFrom (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef). At most 128.""";

    static final String TIMEOUT = """
            A Go duration such as 90s, 30m or 1h30m, greater than 0 and at most 168h. It becomes the Job's \
            activeDeadlineSeconds: a run still going after it is stopped and ends TimedOut.""";

    static final String IMAGE = """
            Container image for the git-clone init container, the agent container and the publish container. It \
            must provide /bin/sh, git, ssh, GNU coreutils, awk, curl (for pull requests) and the agent's CLI \
            (claude or opencode) on the PATH, and run as uid 1000.""";

    static final String READY = """
            True when the Ready condition is True: the same value, for the READY column and scripts.""";

    static final String CONDITIONS = """
            The latest observations of the object's state, one per type, each with status (True, False, \
            Unknown), a CamelCase reason, a human message, the generation it was computed from and the time it \
            last changed status.""";

    static final String OBSERVED_GENERATION = """
            The metadata.generation of the spec this status was computed from; older than metadata.generation \
            while the operator has not yet seen the latest spec.""";
}
