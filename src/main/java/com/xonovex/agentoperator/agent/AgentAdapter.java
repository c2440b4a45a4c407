package com.xonovex.agentoperator.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.workload.Scripts;

/** What differs between agent CLIs: how to start one headless and which environment it needs. */
public interface AgentAdapter {
    /** Where the operator mounts the prompt file inside the agent container. */
    String PROMPT_FILE = "/etc/agent-operator/prompt/prompt";

    AgentType type();

    /** Variable that receives the auth token when the provider names none. */
    String defaultTokenEnv();

    /**
     * The container command: the CLI ({@link #cliArgv}) under the wrapper {@code run-agent.sh}, as
     * {@code /bin/sh -c RUN_AGENT run-agent <type> <cli argv...>}. The wrapper gives the CLI the prompt on standard
     * input from {@link #PROMPT_FILE} (never on the command line, so long prompts work and no user text reaches a
     * shell; never a terminal, so it cannot hang), keeps its output as the transcript in the workspace, and writes the
     * run's result as the container's termination message. Tests point it at other files through its environment
     * (PROMPT_FILE, AGENT_TRANSCRIPT, TERMINATION_LOG), so the command itself is always this one.
     */
    default List<String> command() {
        return command(Limits.NONE);
    }

    /** The container command with these limits; those not in {@link #supported()} are left out. */
    default List<String> command(Limits limits) {
        var command = new ArrayList<>(List.of("/bin/sh", "-c", Scripts.RUN_AGENT, "run-agent", type().value()));
        command.addAll(cliArgv(limits));
        return List.copyOf(command);
    }

    /** The CLI's own argv, headless, with the limits it supports. */
    List<String> cliArgv(Limits limits);

    /** The limits this CLI enforces itself; the operator must report the others as not enforced. */
    Set<Guardrail> supported();

    /** Defaults that keep the CLI headless, quiet and non-updating; users may override them. */
    Map<String, String> defaultEnv();

    /**
     * Variables derived from the container's final plain-valued environment, which replace those of the same name;
     * for translating a provider setting into the form this CLI understands. None by default.
     */
    default Map<String, String> derivedEnv(Map<String, String> env) {
        return Map.of();
    }

    static AgentAdapter forType(AgentType type) {
        return switch (type) {
            case CLAUDE -> new ClaudeAdapter();
            case OPENCODE -> new OpenCodeAdapter();
        };
    }
}
