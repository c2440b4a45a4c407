package com.xonovex.agentoperator.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.xonovex.agentoperator.api.AgentType;

/** What differs between agent CLIs: how to start one headless and which environment it needs. */
public interface AgentAdapter {
    /** Where the operator mounts the prompt file inside the agent container. */
    String PROMPT_FILE = "/etc/agent-operator/prompt/prompt";

    AgentType type();

    /** Variable that receives the auth token when the provider names none. */
    String defaultTokenEnv();

    /**
     * The container command. The prompt arrives on standard input from {@link #PROMPT_FILE}: never on the command
     * line (so long prompts work and no user text reaches a shell), and never from a terminal (so it cannot hang).
     */
    List<String> command();

    /** Defaults that keep the CLI headless, quiet and non-updating; users may override them. */
    Map<String, String> defaultEnv();

    /**
     * Variables derived from the container's final plain-valued environment, which replace those of the same name;
     * for translating a provider setting into the form this CLI understands. None by default.
     */
    default Map<String, String> derivedEnv(Map<String, String> env) {
        return derivedEnv(env, false);
    }

    /**
     * The same, when {@code providersBaseUrl} is true the provider set {@code ANTHROPIC_BASE_URL}: then the provider's
     * endpoint wins over one the run or AgentConfig wrote into the CLI's own configuration, so a run cannot send a
     * shared provider's token elsewhere through another variable.
     */
    default Map<String, String> derivedEnv(Map<String, String> env, boolean providersBaseUrl) {
        return Map.of();
    }

    static AgentAdapter forType(AgentType type) {
        return switch (type) {
            case CLAUDE -> new ClaudeAdapter();
            case OPENCODE -> new OpenCodeAdapter();
        };
    }

    /**
     * Runs {@code argv} with {@code promptFile} as standard input; the shell script is constant text (the file is
     * {@link #PROMPT_FILE} in a Job, only tests pass another path).
     */
    static List<String> withPromptOnStdin(String promptFile, String... argv) {
        var command = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" < " + promptFile, "agent"));
        command.addAll(List.of(argv));
        return List.copyOf(command);
    }
}
