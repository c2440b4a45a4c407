package com.xonovex.agentoperator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * kubernetes/policy/ (what users apply, and what the tier-2 tests install) and the copy in
 * src/main/kubernetes/kubernetes.yml (which Quarkus merges into the generated manifests and the Helm chart) hold the
 * same objects.
 */
class PolicyManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<JsonNode> documents(Path file) throws IOException {
        var documents = new ArrayList<JsonNode>();
        try (YAMLParser parser = new YAMLFactory().createParser(Files.readString(file))) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                var node = iterator.next();
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }

    @Test
    void theManifestsMergedIntoTheGeneratedOnesAreThoseOfKubernetesPolicy() throws IOException {
        var policy = new ArrayList<JsonNode>();
        policy.addAll(documents(Path.of("kubernetes", "policy", "admission.yaml")));
        policy.addAll(documents(Path.of("kubernetes", "policy", "roles.yaml")));
        var merged = documents(Path.of("src", "main", "kubernetes", "kubernetes.yml")).stream()
                .filter(d -> !"Deployment".equals(d.path("kind").asText()))
                .filter(d -> !d.path("metadata").path("name").asText().endsWith("-cluster-role")).toList();
        assertThat(merged).containsExactlyElementsOf(policy);
        assertThat(policy).extracting(d -> d.path("kind").asText()).contains("ValidatingAdmissionPolicy",
                "ValidatingAdmissionPolicyBinding", "ClusterRole");
    }
}
