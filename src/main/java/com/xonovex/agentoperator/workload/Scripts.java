package com.xonovex.agentoperator.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Constant shell scripts shipped in the operator's resources. They take user values only from the environment. Each
 * git script is {@code git-common.sh} (hardened git, credentials) followed by the script itself, run with
 * {@code /bin/sh -c}.
 */
public final class Scripts {
    private static final String GIT_COMMON = load("scripts/git-common.sh");
    /** Init container {@code git-clone}: clones into the workspace, see the script's comments. */
    public static final String GIT_CLONE = GIT_COMMON + load("scripts/git-clone.sh");
    /** Container {@code publish}: commits the agent's work tree onto the base commit and pushes it. */
    public static final String PUBLISH = GIT_COMMON + load("scripts/publish.sh");
    /**
     * Container {@code agent}: {@code /bin/sh -c RUN_AGENT run-agent AGENT CLI-ARGV...} runs the CLI, keeps its
     * transcript and writes its result as the termination message, see run-agent.sh. The awk program that reads the
     * transcript is put into {@code $result_awk} as one single-quoted word (it holds no single quote).
     */
    public static final String RUN_AGENT = "result_awk='" + withoutSingleQuote(load("scripts/agent-result.awk"))
            + "'\n" + load("scripts/run-agent.sh");

    private Scripts() {
    }

    private static String withoutSingleQuote(String text) {
        if (text.indexOf('\'') >= 0) {
            throw new IllegalStateException("agent-result.awk must not contain a single quote");
        }
        return text;
    }

    private static String load(String resource) {
        try (InputStream in = Scripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
