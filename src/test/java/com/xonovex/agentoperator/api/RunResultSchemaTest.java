package com.xonovex.agentoperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The schema the CRD generator makes of {@link RunResult} (before it is part of AgentRun's status): the bounds the
 * API server enforces on what the agent reported, the isError key, and a description on every field.
 */
class RunResultSchemaTest {
    @Group("probe.agent.xonovex.com")
    @Version("v1")
    public static class ResultProbe extends CustomResource<Void, RunResult> implements Namespaced {
    }

    @Test
    void theGeneratedSchemaBoundsEveryField(@TempDir Path dir) throws Exception {
        new CRDGenerator().inOutputDir(dir.toFile()).forCRDVersions("v1").customResourceClasses(ResultProbe.class)
                .generate();
        Path file;
        try (var files = Files.list(dir)) {
            file = files.filter(f -> f.toString().endsWith("-v1.yml")).findFirst().orElseThrow();
        }
        var crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
        var status = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties()
                .get("status");
        var p = status.getProperties();
        assertThat(p).containsOnlyKeys("summary", "summaryTruncated", "costUSD", "inputTokens", "outputTokens",
                "cacheReadTokens", "cacheCreationTokens", "turns", "sessionId", "models", "durationMs", "isError",
                "stopReason", "apiErrorStatus");
        for (var e : p.entrySet()) {
            assertThat(e.getValue().getDescription()).as("description of %s", e.getKey()).isNotBlank();
        }
        for (var reported : new String[] {"summary", "costUSD", "inputTokens", "turns", "models", "isError"}) {
            assertThat(p.get(reported).getDescription()).contains("as trustworthy as the agent");
        }
        assertThat(p.get("summary").getMaxLength()).isEqualTo(2000);
        assertThat(p.get("sessionId").getMaxLength()).isEqualTo(128);
        assertThat(p.get("stopReason").getMaxLength()).isEqualTo(128);
        assertThat(p.get("costUSD").getPattern()).isEqualTo("^[0-9]{1,9}(\\.[0-9]{1,12})?$");
        assertThat(p.get("models").getMaxItems()).isEqualTo(8);
        assertThat(p.get("models").getXKubernetesValidations()).singleElement()
                .satisfies(rule -> assertThat(rule.getRule()).isEqualTo("self.all(m, size(m) <= 128)"));
        for (var count : new String[] {"inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens",
            "durationMs", "turns"}) {
            JSONSchemaProps schema = p.get(count);
            assertThat(schema.getType()).as(count).isEqualTo("integer");
            assertThat(schema.getMinimum()).as(count).isEqualTo(0.0);
        }
        assertThat(p.get("apiErrorStatus").getMinimum()).isEqualTo(100.0);
        assertThat(p.get("apiErrorStatus").getMaximum()).isEqualTo(599.0);
        assertThat(p.get("isError").getType()).isEqualTo("boolean");
    }
}
