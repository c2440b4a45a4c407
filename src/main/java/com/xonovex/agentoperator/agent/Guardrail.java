package com.xonovex.agentoperator.agent;

/**
 * A limit an agent CLI can enforce on its own run. An adapter lists those it enforces in
 * {@link AgentAdapter#supported()}; a limit it does not support is left out of the command, and the operator has to
 * say so (only the run's timeout bounds such a run).
 */
public enum Guardrail {
    /** At most this many agentic turns (model calls); Claude Code's {@code --max-turns}. */
    MAX_TURNS,
    /** At most this many US dollars of API cost, as the CLI prices it; Claude Code's {@code --max-budget-usd}. */
    MAX_BUDGET_USD
}
