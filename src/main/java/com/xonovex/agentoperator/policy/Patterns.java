package com.xonovex.agentoperator.policy;

import java.util.List;

/**
 * The pattern lists of an AgentPolicy: an entry is an exact value, or has one {@code *} at its start (suffix match)
 * or its end (prefix match); {@code *} alone matches anything. The admission policy's CEL says the same (see
 * kubernetes/policy/): {@code p == '*' || p.endsWith('*') ? v.startsWith(prefix) : p.startsWith('*') ?
 * v.endsWith(suffix) : v == p}.
 */
public final class Patterns {
    private Patterns() {
    }

    public static boolean matches(String value, String pattern) {
        if (value == null || pattern == null) {
            return false;
        }
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith("*")) {
            return value.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        if (pattern.startsWith("*")) {
            return value.endsWith(pattern.substring(1));
        }
        return value.equals(pattern);
    }

    public static boolean anyMatches(String value, List<String> patterns) {
        return patterns.stream().anyMatch(p -> matches(value, p));
    }
}
