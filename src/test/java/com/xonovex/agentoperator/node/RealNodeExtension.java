package com.xonovex.agentoperator.node;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts the shared {@link RealNodeEnvironment} before the first tier-4 class, has JUnit close it after the last, and
 * prints the operator's and the node's logs when a test fails.
 */
public class RealNodeExtension implements BeforeAllCallback, TestWatcher {
    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(RealNodeEnvironment.class,
                k -> RealNodeEnvironment.startOnce(), RealNodeEnvironment.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("tier 4: " + context.getDisplayName() + " failed: " + cause);
        try {
            System.err.println(RealNodeEnvironment.get().diagnostics());
        } catch (RuntimeException e) {
            System.err.println("tier 4: no diagnostics: " + e);
        }
    }
}
