package com.xonovex.agentoperator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlePermissionsTest {

    private static Map<String, Object> rule(String group, String... resources) {
        var rule = new LinkedHashMap<String, Object>();
        rule.put("apiGroups", List.of(group));
        rule.put("resources", List.of(resources));
        rule.put("verbs", List.of("get"));
        return rule;
    }

    private static Map<String, Object> entry(String account, Map<String, Object>... rules) {
        var entry = new LinkedHashMap<String, Object>();
        entry.put("serviceAccountName", account);
        entry.put("rules", new ArrayList<>(List.of(rules)));
        return entry;
    }

    private static Map<String, Object> csv(List<Map<String, Object>> clusterPermissions,
            List<Map<String, Object>> permissions) {
        var installSpec = new LinkedHashMap<String, Object>();
        installSpec.put("clusterPermissions", clusterPermissions);
        installSpec.put("permissions", permissions);
        return Map.of("spec", Map.of("install", Map.of("spec", installSpec)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> csv, String key) {
        return (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) csv
                .get("spec")).get("install")).get("spec")).get(key);
    }

    @Test
    @SuppressWarnings("unchecked")
    void namespacedRulesBecomePermissionsOfTheSameAccountAndClusterScopedOnesStay() {
        var lease = rule("coordination.k8s.io", "leases");
        var csv = csv(List.of(entry("op", rule("apiextensions.k8s.io", "customresourcedefinitions"),
                rule("", "secrets"), rule("batch", "jobs"), rule("agent.xonovex.com", "agentruns/status"))),
                List.of(entry("op", lease, lease)));

        BundlePermissions.scope(csv);

        assertThat(list(csv, "clusterPermissions")).singleElement().satisfies(e -> assertThat(
                (List<Map<String, Object>>) e.get("rules")).extracting(r -> r.get("resources"))
                .containsExactly(List.of("customresourcedefinitions")));
        assertThat(list(csv, "permissions")).singleElement().satisfies(e -> {
            assertThat(e.get("serviceAccountName")).isEqualTo("op");
            assertThat((List<Map<String, Object>>) e.get("rules")).extracting(r -> r.get("resources"))
                    .containsExactly(List.of("leases"), List.of("secrets"), List.of("jobs"),
                            List.of("agentruns/status"));
        });
    }

    @Test
    void theRewrittenFileKeepsStringsThatLookLikeNumbersAndBooleansStrings(@TempDir Path dir) throws Exception {
        var file = dir.resolve("csv.yaml");
        Files.writeString(file, """
                spec:
                  install:
                    spec:
                      deployments:
                      - spec: {template: {metadata: {annotations: {prometheus.io/port: "8080", flag: "true"}}}}
                      clusterPermissions:
                      - serviceAccountName: op
                        rules:
                        - {apiGroups: [""], resources: [secrets], verbs: [get]}
                """);

        BundlePermissions.main(new String[] { file.toString() });

        var text = Files.readString(file);
        assertThat(text).contains("prometheus.io/port: \"8080\"").contains("flag: \"true\"");
        assertThat(text.indexOf("permissions:")).as("the secrets rule moved to permissions")
                .isLessThan(text.indexOf("secrets"));
    }

    @Test
    void anAccountWithOnlyNamespacedRulesLeavesNoEmptyClusterPermission() {
        var csv = csv(List.of(entry("other", rule("", "pods"))), List.of());

        BundlePermissions.scope(csv);

        assertThat(list(csv, "clusterPermissions")).isEmpty();
        assertThat(list(csv, "permissions")).singleElement()
                .satisfies(e -> assertThat(e.get("serviceAccountName")).isEqualTo("other"));
    }

    @Test
    void aRuleNamingAnyClusterScopedResourceOrAWildcardStaysClusterWide() {
        assertThat(BundlePermissions.isNamespaced(rule("", "pods", "namespaces"))).isFalse();
        assertThat(BundlePermissions.isNamespaced(rule("", "*"))).isFalse();
        assertThat(BundlePermissions.isNamespaced(Map.of("nonResourceURLs", List.of("/metrics")))).isFalse();
        assertThat(BundlePermissions.isNamespaced(rule("", "configmaps", "persistentvolumeclaims"))).isTrue();
    }
}
