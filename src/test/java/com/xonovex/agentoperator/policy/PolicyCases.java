package com.xonovex.agentoperator.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.AgentRunSpec;

/**
 * The cases of src/test/resources/policy/cases.yaml: each an AgentPolicy, a run, and the rule and message it must be
 * refused with (or none), for the operator's checker and for the admission policy alike.
 */
public record PolicyCases(String name, Map<String, Object> policy, Map<String, Object> run, String rule,
        String message) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A valid run's spec, which each case changes. */
    public static Map<String, Object> baseRun() {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("agent", "claude");
        spec.put("providerRef", "team-provider");
        spec.put("repository", new LinkedHashMap<>(Map.of("url", "https://github.com/org/repo.git", "branch", "main")));
        spec.put("prompt", "do it");
        spec.put("timeout", "30m");
        return spec;
    }

    public static List<PolicyCases> all() {
        try (InputStream in = PolicyCases.class.getResourceAsStream("/policy/cases.yaml")) {
            return YAML.readValue(in, new TypeReference<List<PolicyCases>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run's spec: the base run with this case's changes merged in. */
    public Map<String, Object> runSpec() {
        return merge(baseRun(), run == null ? Map.of() : run);
    }

    public AgentRunSpec runSpecObject() {
        return YAML.convertValue(runSpec(), AgentRunSpec.class);
    }

    public AgentPolicySpec policySpec() {
        return YAML.convertValue(policy == null ? Map.of() : policy, AgentPolicySpec.class);
    }

    public boolean refused() {
        return rule != null;
    }

    @Override
    public String toString() {
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> change) {
        var merged = new LinkedHashMap<>(base);
        change.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> existing) {
                merged.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) map));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }
}
