package com.xonovex.agentoperator.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The README's field reference, generated from the committed CRDs (whose descriptions come from the Java classes),
 * so the README and {@code kubectl explain} cannot disagree. Each table sits between {@code <!-- api:KIND.PART -->}
 * and {@code <!-- /api:KIND.PART -->} markers; {@link ApiReferenceTest} compares them and can rewrite them.
 */
final class ApiReference {
    static final Path CRDS = Path.of("kubernetes", "crd");
    static final List<String> KINDS = List.of("AgentRun", "AgentProvider", "AgentConfig", "AgentPolicy");

    /**
     * Kubernetes types we embed: listed with their own description, not field by field (kubectl explain shows
     * their fields; the README points to the Kubernetes documentation of the same type).
     */
    private static final Set<String> EMBEDDED = Set.of("spec.env", "spec.resources", "spec.tolerations",
            "status.conditions");

    private ApiReference() {
    }

    /** Every table the README holds: marker name to markdown table. */
    static Map<String, String> tables() throws IOException {
        var tables = new java.util.LinkedHashMap<String, String>();
        for (var kind : KINDS) {
            var schema = schema(kind);
            for (var part : List.of("spec", "status")) {
                var node = schema.path("properties").path(part);
                if (!node.isMissingNode()) {
                    tables.put(kind + "." + part, table(node, part));
                }
            }
        }
        return tables;
    }

    static JsonNode schema(String kind) throws IOException {
        try (var files = Files.list(CRDS)) {
            for (var file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                var crd = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                if (kind.equals(crd.path("spec").path("names").path("kind").asText())) {
                    return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
                }
            }
        }
        throw new IllegalArgumentException("no CRD of kind " + kind + " in " + CRDS);
    }

    private static String table(JsonNode node, String part) {
        var rows = new ArrayList<String>();
        rows.add("| Field | Type | Description |");
        rows.add("| --- | --- | --- |");
        addRows(rows, node, part, "");
        return String.join("\n", rows);
    }

    private static void addRows(List<String> rows, JsonNode node, String path, String prefix) {
        var properties = node.path("properties");
        var names = new ArrayList<String>();
        properties.fieldNames().forEachRemaining(names::add);
        java.util.Collections.sort(names);
        for (var name : names) {
            var property = properties.path(name);
            var field = prefix + name;
            rows.add("| `" + field + "` | " + type(property) + " | " + cell(property.path("description").asText())
                    + " |");
            var fullPath = path + "." + name;
            if (EMBEDDED.contains(fullPath)) {
                continue;
            }
            if (property.has("properties")) {
                addRows(rows, property, fullPath, field + ".");
            } else if (property.path("items").has("properties")) {
                addRows(rows, property.path("items"), fullPath, field + "[].");
            }
        }
    }

    /** The type as kubectl explain spells it, with an enum's values. */
    static String type(JsonNode property) {
        if (property.has("enum")) {
            var values = new ArrayList<String>();
            property.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
            return String.join(" \\| ", values);
        }
        if (property.path("x-kubernetes-int-or-string").asBoolean()) {
            return "int or string";
        }
        var type = property.path("type").asText("object");
        return switch (type) {
            case "array" -> "[]" + type(property.path("items"));
            case "object" -> property.has("additionalProperties")
                    ? "map[string]" + type(property.path("additionalProperties"))
                    : "object";
            default -> type;
        };
    }

    private static String cell(String text) {
        // markdown: a pipe would end the cell, <word> would be taken for an HTML tag
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ").strip();
    }
}
