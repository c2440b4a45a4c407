package com.xonovex.agentoperator.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

/**
 * Completes a generated CRD schema's descriptions, so {@code kubectl explain} reads like a reference. Our own fields
 * carry {@code @JsonPropertyDescription}, which the generator copies; what it cannot see is added here:
 * <ul>
 * <li>the kind itself, {@code spec} and {@code status}, which live in fabric8's CustomResource;</li>
 * <li>the Kubernetes types we embed (EnvVar, ResourceRequirements, Toleration, Condition), whose fabric8 classes carry
 * no descriptions: theirs are copied from the Kubernetes release's own OpenAPI spec
 * ({@value #KUBERNETES_DESCRIPTIONS}, extracted by {@code src/test/cluster/kubernetes-descriptions.py}).</li>
 * </ul>
 */
final class SchemaDescriptions {
    static final String KUBERNETES_DESCRIPTIONS = "crd/kubernetes-descriptions.json";

    private static final Map<String, String> KINDS = Map.of(
            "AgentRun", """
                    One agent run: a repository, a prompt and an agent (Claude Code or OpenCode), run once as a \
                    Job with its own workspace volume. The spec is immutable; create a new AgentRun to run again.""",
            "AgentProvider", """
                    Reusable provider settings for agent runs in the namespace: the model endpoint and settings as \
                    environment variables, and the Secret key holding the API token.""",
            "AgentConfig", """
                    Namespace defaults for agent runs: agent, provider per agent, image, timeout, workspace \
                    storage and environment. The operator uses the AgentConfig named default, or the only one in \
                    the namespace.""",
            "AgentPolicy", """
                    What agent runs in the namespace may do, set by the namespace's admin: images, Secrets, \
                    environment, repositories, limits, scheduling, runtime class and egress. One per namespace, \
                    named default. Enforced at admission (ValidatingAdmissionPolicy agent-operator-run-policy) and \
                    when a run starts (reason PolicyViolation).""");

    private static final Map<String, String> SPECS = Map.of(
            "AgentRun", "What to run: the repository, the prompt, the agent and its settings. Immutable after creation.",
            "AgentProvider", "The provider's settings.",
            "AgentConfig", "The namespace's defaults; a run's own fields win over them.",
            "AgentPolicy", "The namespace's rules for runs; a rule that is not set does not restrict.");

    private static final Map<String, String> STATUSES = Map.of(
            "AgentRun", "The run's phase, what the operator created for it, and why it is where it is. Written by the operator.",
            "AgentProvider", "Whether the provider is usable. Written by the operator.",
            "AgentConfig", "Whether the defaults point at providers that exist. Written by the operator.");

    /** Where our kinds embed Kubernetes types, by property path ({@code []} steps into list items). */
    private static final Map<String, String> EMBEDDED = Map.of(
            "spec.env[]", "io.k8s.api.core.v1.EnvVar",
            "spec.resources", "io.k8s.api.core.v1.ResourceRequirements",
            "spec.tolerations[]", "io.k8s.api.core.v1.Toleration",
            "status.conditions[]", "io.k8s.apimachinery.pkg.apis.meta.v1.Condition");

    private static final JsonNode KUBERNETES = load();

    private SchemaDescriptions() {
    }

    static void complete(String kind, JSONSchemaProps root) {
        setIfAbsent(root, KINDS.get(kind));
        var properties = root.getProperties();
        describe(properties, "apiVersion", "The versioned schema of this object: agent.xonovex.com/v1alpha1.");
        describe(properties, "kind", "The kind of this object: " + kind + ".");
        describe(properties, "metadata", "Standard object metadata: name, namespace, labels, annotations.");
        describe(properties, "spec", SPECS.get(kind));
        describe(properties, "status", STATUSES.get(kind));
        EMBEDDED.forEach((path, type) -> {
            var target = find(root, path);
            if (target != null) {
                copy(KUBERNETES.path(type), target);
            }
        });
    }

    /** The schema at a dotted path such as {@code spec.env[]}, or null when this kind has no such field. */
    private static JSONSchemaProps find(JSONSchemaProps root, String path) {
        var current = root;
        for (var step : path.split("\\.")) {
            boolean items = step.endsWith("[]");
            var name = items ? step.substring(0, step.length() - 2) : step;
            current = current.getProperties() == null ? null : current.getProperties().get(name);
            if (current != null && items) {
                current = current.getItems() == null ? null : current.getItems().getSchema();
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** Copies descriptions of the Kubernetes type {@code source} into {@code target} wherever it has none. */
    private static void copy(JsonNode declared, JSONSchemaProps target) {
        var source = resolve(declared);
        if (source.isMissingNode()) {
            return;
        }
        setIfAbsent(target, source.path("description").asText(null));
        if (target.getProperties() != null) {
            target.getProperties().forEach((name, property) -> {
                var sourceProperty = source.path("properties").path(name);
                setIfAbsent(property, sourceProperty.path("description").asText(null));
                copy(sourceProperty, property);
            });
        }
        if (target.getItems() != null && target.getItems().getSchema() != null) {
            copy(source.path("items"), target.getItems().getSchema());
        }
        if (target.getAdditionalProperties() != null && target.getAdditionalProperties().getSchema() != null) {
            copy(source.path("additionalProperties"), target.getAdditionalProperties().getSchema());
        }
    }

    /** Follows {@code $ref} and the spec's {@code allOf: [{$ref}]} wrapping to the type's own schema. */
    private static JsonNode resolve(JsonNode schema) {
        var node = schema;
        if (node.has("allOf") && node.path("allOf").size() == 1) {
            node = node.path("allOf").get(0);
        }
        if (node.has("$ref")) {
            return resolve(KUBERNETES.path(node.path("$ref").asText()));
        }
        return node == schema ? schema : node;
    }

    private static void describe(Map<String, JSONSchemaProps> properties, String name, String description) {
        if (properties != null && properties.get(name) != null) {
            setIfAbsent(properties.get(name), description);
        }
    }

    private static void setIfAbsent(JSONSchemaProps schema, String description) {
        if (description != null && (schema.getDescription() == null || schema.getDescription().isBlank())) {
            schema.setDescription(description);
        }
    }

    private static JsonNode load() {
        try (InputStream in = SchemaDescriptions.class.getClassLoader().getResourceAsStream(KUBERNETES_DESCRIPTIONS)) {
            if (in == null) {
                throw new IllegalStateException(KUBERNETES_DESCRIPTIONS + " is missing from the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
