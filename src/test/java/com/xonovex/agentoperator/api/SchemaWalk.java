package com.xonovex.agentoperator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Walks an OpenAPI v3 schema (a CRD's, or the API server's published one) for fields without a description. */
public final class SchemaWalk {
    private SchemaWalk() {
    }

    /** Paths of the fields under {@code schema} (itself included) that have no description. */
    public static List<String> undescribed(JsonNode schema) {
        var missing = new ArrayList<String>();
        if (schema.path("description").asText().isBlank()) {
            missing.add("<root>");
        }
        walk(schema, "", missing);
        return missing;
    }

    private static void walk(JsonNode node, String path, List<String> missing) {
        node.path("properties").fields().forEachRemaining(e -> {
            var field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            // metadata is the standard ObjectMeta: the API server describes it itself
            if (field.equals("metadata")) {
                return;
            }
            if (e.getValue().path("description").asText().isBlank()) {
                missing.add(field);
            }
            walk(e.getValue(), field, missing);
        });
        if (node.has("items")) {
            walk(node.path("items"), path + "[]", missing);
        }
        if (node.path("additionalProperties").isObject()) {
            walk(node.path("additionalProperties"), path + "{}", missing);
        }
    }
}
