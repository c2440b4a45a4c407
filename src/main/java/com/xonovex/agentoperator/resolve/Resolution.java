package com.xonovex.agentoperator.resolve;

/** Either everything a run needs is there, or the reason it has to wait. */
public sealed interface Resolution {
    record Resolved(ResolvedRun run) implements Resolution {
    }

    /**
     * The run waits in Pending. {@code reason} is a CamelCase condition reason; {@code message} says what is missing
     * and never contains a secret value.
     */
    record Blocked(String reason, String message) implements Resolution {
    }
}
