package com.xonovex.agentoperator.agent;

import java.util.List;
import java.util.Map;

import com.xonovex.agentoperator.api.AgentType;

/**
 * OpenCode's headless {@code run} command with JSON-lines output. Tools are allowed through its inline config
 * because nobody can approve them in a Job.
 */
final class OpenCodeAdapter implements AgentAdapter {
    static final String CONFIG = "{\"$schema\":\"https://opencode.ai/config.json\","
            + "\"permission\":{\"edit\":\"allow\",\"bash\":\"allow\",\"webfetch\":\"allow\"},"
            + "\"autoupdate\":false,\"share\":\"disabled\"}";

    @Override
    public AgentType type() {
        return AgentType.OPENCODE;
    }

    @Override
    public String defaultTokenEnv() {
        return "ANTHROPIC_API_KEY";
    }

    @Override
    public List<String> command() {
        return AgentAdapter.withPromptOnStdin("opencode", "run", "--format", "json");
    }

    @Override
    public Map<String, String> defaultEnv() {
        return Map.of(
                "OPENCODE_CONFIG_CONTENT", CONFIG,
                "OPENCODE_DISABLE_AUTOUPDATE", "1",
                "OPENCODE_DISABLE_SHARE", "1",
                "OPENCODE_DISABLE_DEFAULT_PLUGINS", "1");
    }
}
