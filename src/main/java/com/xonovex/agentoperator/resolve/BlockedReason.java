package com.xonovex.agentoperator.resolve;

/** Condition reasons of a run waiting in Pending. */
public final class BlockedReason {
    private BlockedReason() {
    }

    public static final String AGENT_CONFIG_AMBIGUOUS = "AgentConfigAmbiguous";
    public static final String AGENT_NOT_SET = "AgentNotSet";
    public static final String PROVIDER_NOT_SET = "ProviderNotSet";
    public static final String PROVIDER_NOT_FOUND = "ProviderNotFound";
    public static final String PROVIDER_NOT_READY = "ProviderNotReady";
    public static final String PROVIDER_AGENT_MISMATCH = "ProviderAgentMismatch";
    public static final String SECRET_NOT_FOUND = "SecretNotFound";
    public static final String SECRET_KEY_NOT_FOUND = "SecretKeyNotFound";
    public static final String GIT_CREDENTIALS_NOT_FOUND = "GitCredentialsNotFound";
    public static final String PUSH_CREDENTIALS_NOT_FOUND = "PushCredentialsNotFound";
    public static final String INVALID_SETTING = "InvalidSetting";
}
