package com.xonovex.agentoperator.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** {@code --max-turns} is hidden from {@code claude --help} in 2.1.x but parsed (an integer). */
    @Override
    public List<String> cliArgv(Limits limits) {
        var argv = new ArrayList<>(List.of("claude", "-p", "--output-format", "stream-json", "--verbose",
                "--dangerously-skip-permissions"));
        if (limits.maxTurns() != null) {
            argv.addAll(List.of("--max-turns", limits.maxTurns().toString()));
        }
        if (limits.maxBudgetUSD() != null) {
            argv.addAll(List.of("--max-budget-usd", limits.maxBudgetUSD()));
        }
        return List.copyOf(argv);
    }

    @Override
    public Set<Guardrail> supported() {
        return Set.of(Guardrail.MAX_TURNS, Guardrail.MAX_BUDGET_USD);
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
