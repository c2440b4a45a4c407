package com.xonovex.agentoperator.agent;

import java.util.List;
import java.util.Map;

import com.xonovex.agentoperator.api.AgentType;

/**
 * Claude Code in print mode. {@code stream-json} (which needs {@code --verbose}) prints one JSON event per line, so
 * {@code kubectl logs -f} shows progress and the last line is the result object. Permissions are bypassed because no
 * one can answer a prompt in a Job; the CLI refuses that as root, and the pod runs as a non-root user.
 */
final class ClaudeAdapter implements AgentAdapter {
    @Override
    public AgentType type() {
        return AgentType.CLAUDE;
    }

    @Override
    public String defaultTokenEnv() {
        return "ANTHROPIC_AUTH_TOKEN";
    }

    @Override
    public List<String> command() {
        return command(PROMPT_FILE);
    }

    /** The same command reading the prompt from another file; for tests that run the real CLI. */
    List<String> command(String promptFile) {
        return AgentAdapter.withPromptOnStdin(promptFile, "claude", "-p", "--output-format", "stream-json",
                "--verbose", "--dangerously-skip-permissions");
    }

    @Override
    public Map<String, String> defaultEnv() {
        return Map.of(
                "DISABLE_AUTOUPDATER", "1",
                "DISABLE_TELEMETRY", "1",
                "DISABLE_ERROR_REPORTING", "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    }
}
