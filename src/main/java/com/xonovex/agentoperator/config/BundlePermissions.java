package com.xonovex.agentoperator.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Runs at build time on the generated ClusterServiceVersion (pom.xml, execution {@code scope-bundle-permissions},
 * after Quarkus has generated the bundle): moves every RBAC rule on namespaced resources from
 * {@code clusterPermissions} to {@code permissions}.
 * <p>
 * Why: QOSDK's bundle generator turns the operator's ClusterRoles into {@code clusterPermissions}, which OLM always
 * grants cluster-wide, whatever the OperatorGroup. A CSV's {@code permissions} follow the OperatorGroup instead: OLM
 * grants them in each target namespace (OwnNamespace, SingleNamespace, MultiNamespace) and cluster-wide only for
 * AllNamespaces. So an operator installed for one namespace can read Secrets and create Jobs there and nowhere else,
 * as the chart's {@code rbac.clusterWide=false} does. Only the rules on cluster-scoped resources (the CRDs the
 * operator checks at start) stay cluster permissions.
 */
public final class BundlePermissions {
    /** The cluster-scoped resources a rule of ours could name; a rule naming any of them stays cluster-wide. */
    static final Set<String> CLUSTER_SCOPED = Set.of("customresourcedefinitions", "namespaces", "nodes",
            "persistentvolumes", "storageclasses", "clusterroles", "clusterrolebindings",
            "validatingadmissionpolicies", "validatingadmissionpolicybindings", "subjectaccessreviews",
            "tokenreviews", "runtimeclasses", "priorityclasses");

    /** Written in the style of the generator's own YAML, so that the file changes only where the rules do. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // a string that looks like a number stays a string (an annotation such as prometheus.io/port: "8080")
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private BundlePermissions() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BundlePermissions <clusterserviceversion.yaml>");
        }
        var file = Path.of(args[0]);
        @SuppressWarnings("unchecked")
        Map<String, Object> csv = YAML.readValue(file.toFile(), LinkedHashMap.class);
        scope(csv);
        Files.writeString(file, YAML.writeValueAsString(csv));
    }

    /** Moves the namespaced rules of {@code spec.install.spec.clusterPermissions} into its {@code permissions}. */
    @SuppressWarnings("unchecked")
    static void scope(Map<String, Object> csv) {
        var install = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) csv.get("spec"))
                .get("install")).get("spec");
        var clusterPermissions = (List<Map<String, Object>>) install.getOrDefault("clusterPermissions", List.of());
        var permissions = new ArrayList<>((List<Map<String, Object>>) install.getOrDefault("permissions", List.of()));
        var keptClusterPermissions = new ArrayList<Map<String, Object>>();
        for (var entry : clusterPermissions) {
            var account = (String) entry.get("serviceAccountName");
            var clusterRules = new ArrayList<Map<String, Object>>();
            var namespacedRules = new ArrayList<Map<String, Object>>();
            for (var rule : (List<Map<String, Object>>) entry.get("rules")) {
                (isNamespaced(rule) ? namespacedRules : clusterRules).add(rule);
            }
            if (!clusterRules.isEmpty()) {
                var kept = new LinkedHashMap<>(entry);
                kept.put("rules", clusterRules);
                keptClusterPermissions.add(kept);
            }
            if (!namespacedRules.isEmpty()) {
                var rules = rulesOf(permissions, account);
                namespacedRules.stream().filter(r -> !rules.contains(r)).forEach(rules::add);
            }
        }
        for (var entry : permissions) {
            // the lease rule comes both from the CSV metadata and from the leader-election Role
            entry.put("rules", new ArrayList<>(new java.util.LinkedHashSet<>((List<?>) entry.get("rules"))));
        }
        install.put("clusterPermissions", keptClusterPermissions);
        install.put("permissions", permissions);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rulesOf(List<Map<String, Object>> permissions, String account) {
        for (var entry : permissions) {
            if (account.equals(entry.get("serviceAccountName"))) {
                var rules = new ArrayList<>((List<Map<String, Object>>) entry.get("rules"));
                entry.put("rules", rules);
                return rules;
            }
        }
        var entry = new LinkedHashMap<String, Object>();
        entry.put("serviceAccountName", account);
        var rules = new ArrayList<Map<String, Object>>();
        entry.put("rules", rules);
        permissions.add(entry);
        return rules;
    }

    @SuppressWarnings("unchecked")
    static boolean isNamespaced(Map<String, Object> rule) {
        if (rule.containsKey("nonResourceURLs")) {
            return false;
        }
        var resources = (List<String>) rule.getOrDefault("resources", List.of());
        return !resources.isEmpty() && resources.stream()
                .map(r -> r.contains("/") ? r.substring(0, r.indexOf('/')) : r)
                .noneMatch(r -> r.equals("*") || CLUSTER_SCOPED.contains(r));
    }
}
