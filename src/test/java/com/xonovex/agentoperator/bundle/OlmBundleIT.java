package com.xonovex.agentoperator.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.xonovex.agentoperator.TestBinaries;
import com.xonovex.agentoperator.TestCommands;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The OLM bundle in bundle/: what QOSDK's bundle generator makes, and valid by the operator framework's own
 * validators (operator-framework/api's operator-verify, built offline by src/test/cluster/build.sh).
 */
class OlmBundleIT {
    private static final Path BUNDLE = Path.of("bundle");
    private static final Path GENERATED = Path.of("target", "bundle", "agent-operator");
    private static final Path CSV = Path.of("manifests", "agent-operator.clusterserviceversion.yaml");

    @Test
    void theCommittedBundleIsTheGeneratedOne() throws IOException {
        var committed = TestCommands.files(BUNDLE);
        assertThat(committed).isEqualTo(TestCommands.files(GENERATED));
        for (var file : committed) {
            if (file.endsWith(".yaml") || file.endsWith(".yml")) {
                // the generator's order of the controllers' env variables and RBAC rules varies between builds:
                // compare as data, with lists of objects in a canonical order
                assertThat(normalized(BUNDLE.resolve(file)))
                        .as("bundle/%s differs from the generated bundle; refresh with: rm -r bundle && cp -r %s bundle",
                                file, GENERATED)
                        .isEqualTo(normalized(GENERATED.resolve(file)));
                continue;
            }
            assertThat(Files.readString(BUNDLE.resolve(file)))
                    .as("bundle/%s differs from the generated bundle; refresh with: rm -r bundle && cp -r %s bundle",
                            file, GENERATED)
                    .isEqualTo(Files.readString(GENERATED.resolve(file)));
        }
    }

    @Test
    void theBundlePassesTheOperatorFrameworkValidators() throws Exception {
        var result = verify(BUNDLE);
        assertThat(result.output()).as(result.output()).doesNotContain("level=error").doesNotContain("level=fatal")
                .doesNotContain("level=warning");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void theValidatorCatchesABrokenBundle(@TempDir Path broken) throws Exception {
        copy(BUNDLE, broken);
        // the CSV still owns AgentRun, but its CRD is gone; and the CSV loses its install strategy
        Files.delete(broken.resolve("manifests/agentruns.agent.xonovex.com-v1.crd.yml"));
        var csv = Files.readString(broken.resolve(CSV)).replace("strategy: deployment", "strategy: nonsense");
        Files.writeString(broken.resolve(CSV), csv);
        var result = verify(broken);
        assertThat(result.output()).contains("level=error");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCsvDescribesTheOperator() throws IOException {
        Map<String, Object> csv = Serialization.unmarshal(Files.readString(BUNDLE.resolve(CSV)), Map.class);
        var spec = (Map<String, Object>) csv.get("spec");
        assertThat(spec.get("displayName")).isEqualTo("Agent Operator");
        assertThat((String) spec.get("description")).contains("Claude Code", "OpenCode");
        assertThat((List<Map<String, Object>>) spec.get("icon")).singleElement().satisfies(i -> {
            assertThat(i.get("mediatype")).isEqualTo("image/svg+xml");
            assertThat((String) i.get("base64data")).isNotBlank();
        });
        assertThat((List<?>) spec.get("maintainers")).isNotEmpty();
        assertThat((List<Map<String, Object>>) spec.get("installModes")).extracting(m -> m.get("type"))
                .contains("OwnNamespace", "AllNamespaces");
        var owned = (List<Map<String, Object>>) ((Map<String, Object>) spec.get("customresourcedefinitions"))
                .get("owned");
        assertThat(owned).extracting(m -> m.get("kind")).containsExactlyInAnyOrder("AgentRun", "AgentProvider",
                "AgentConfig", "AgentPolicy");
        assertThat(owned).allSatisfy(crd -> {
            assertThat((String) crd.get("displayName")).isNotBlank();
            assertThat((String) crd.get("description")).isNotBlank();
        });
        assertThat((Map<String, Object>) ((Map<String, Object>) csv.get("metadata")).get("annotations"))
                .containsKey("alm-examples");
        var install = (Map<String, Object>) ((Map<String, Object>) spec.get("install")).get("spec");
        assertThat((List<Map<String, Object>>) install.get("deployments")).singleElement()
                .satisfies(d -> assertThat(d.get("name")).isEqualTo("agent-operator"));
        // annotations are strings: opm refuses a bundle whose pod template has a number there
        var template = (Map<String, Object>) ((Map<String, Object>) ((List<Map<String, Object>>) install
                .get("deployments")).get(0).get("spec")).get("template");
        assertThat(((Map<String, Object>) ((Map<String, Object>) template.get("metadata")).get("annotations"))
                .values()).isNotEmpty().allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
        // namespaced rules are permissions, which OLM grants per target namespace (cluster-wide only for
        // AllNamespaces); cluster permissions are only the CRD check's
        assertThat(Serialization.asYaml(install.get("clusterPermissions"))).contains("customresourcedefinitions")
                .doesNotContain("jobs").doesNotContain("secrets").doesNotContain("leases");
        assertThat(Serialization.asYaml(install.get("permissions"))).contains("leases").contains("jobs")
                .contains("secrets").contains("agentruns").contains("networkpolicies");
        assertThat(Files.readString(BUNDLE.resolve("metadata/annotations.yaml")))
                .contains("operators.operatorframework.io.bundle.package.v1: agent-operator");
        assertThat(Files.readString(BUNDLE.resolve("bundle.Dockerfile"))).contains("COPY manifests /manifests/");
    }

    private static Object normalized(Path yaml) throws IOException {
        return canonical(Serialization.unmarshal(Files.readString(yaml), Object.class));
    }

    @SuppressWarnings("unchecked")
    private static Object canonical(Object node) {
        if (node instanceof Map<?, ?> map) {
            var copy = new java.util.TreeMap<String, Object>();
            map.forEach((k, v) -> copy.put((String) k, canonical(v)));
            return copy;
        }
        if (node instanceof List<?> list) {
            var copy = new ArrayList<Object>(list.stream().map(OlmBundleIT::canonical).toList());
            if (!copy.isEmpty() && copy.stream().allMatch(e -> e instanceof Map<?, ?>)) {
                copy.sort(java.util.Comparator.comparing(Object::toString));
            }
            return copy;
        }
        return node;
    }

    private static TestCommands.Result verify(Path bundle) throws IOException, InterruptedException {
        var binary = TestBinaries.path("operator-verify");
        var command = new ArrayList<>(List.of(binary.toString(), "manifests", "--object_validate",
                bundle.toString()));
        return TestCommands.run(new ProcessBuilder(command));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (var path : walk.toList()) {
                var target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
