package com.xonovex.agentoperator.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Constant shell scripts shipped in the operator's resources. They take user values only from the environment. */
public final class Scripts {
    public static final String GIT_CLONE = load("scripts/git-clone.sh");

    private Scripts() {
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
