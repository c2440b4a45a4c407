package com.xonovex.agentoperator.workload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic names of a run's children. A Job name must also be a valid label value (63 characters), so a longer
 * run name is cut and given a hash of the full name: two long names that share a prefix still get distinct children.
 */
public final class ChildNames {
    public static final int MAX_LABEL_LENGTH = 63;
    private static final int HASH_LENGTH = 8;
    private static final int SUFFIX_ROOM = "-workspace".length();

    private ChildNames() {
    }

    public static String job(String runName) {
        return fit(runName, MAX_LABEL_LENGTH);
    }

    public static String workspacePvc(String runName) {
        return fit(runName, MAX_LABEL_LENGTH - SUFFIX_ROOM) + "-workspace";
    }

    public static String promptConfigMap(String runName) {
        return fit(runName, MAX_LABEL_LENGTH - SUFFIX_ROOM) + "-prompt";
    }

    /** A label value that identifies the run: its name, or a cut name with a hash when too long. */
    public static String labelValue(String runName) {
        return fit(runName, MAX_LABEL_LENGTH);
    }

    static String fit(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        var prefix = name.substring(0, max - HASH_LENGTH - 1);
        // a cut may end on '.' or '-', which names and labels may not end with before the '-'
        prefix = prefix.replaceAll("[.-]+$", "");
        return prefix + "-" + hash(name);
    }

    private static String hash(String name) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
