package com.xonovex.agentoperator.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the shared {@link E2eEnvironment} before the first e2e test class, has JUnit close it after the last one,
 * and prints the last lines of every component's log when a test fails.
 */
public class E2eExtension implements BeforeAllCallback, TestWatcher {
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(E2eEnvironment.class, k -> E2eEnvironment.startOnce(), E2eEnvironment.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("e2e: " + context.getDisplayName() + " failed: " + cause);
        try {
            System.err.println(E2eEnvironment.get().logTails(40));
        } catch (RuntimeException e) {
            System.err.println("e2e: no logs: " + e);
        }
    }
}
