package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.TestCommands;

/** The samples apply as users apply them: with kubectl, to a real API server with the CRDs installed. */
class SamplesTest extends ClusterTest {
    @Test
    void everySampleIsAcceptedByKubectlApply() throws Exception {
        var samples = Path.of("kubernetes", "samples");
        List<Path> files;
        try (var list = Files.list(samples)) {
            files = list.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted()
                    .toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("provider.yaml", "config.yaml",
                "run.yaml", "inline-provider-run.yaml", "worktree-run.yaml", "publish-run.yaml", "secret.yaml");
        for (var file : files) {
            var result = kubectl("apply", "-n", namespace, "-f", file.toString());
            assertThat(result.exitCode()).as("kubectl apply -f %s: %s", file, result.output()).isZero();
        }
        var other = namespace + "-k";
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(other).endMetadata().build()).create();
        var kustomize = kubectl("apply", "-n", other, "-k", samples.toString());
        assertThat(kustomize.exitCode()).as(kustomize.output()).isZero();
        assertThat(kustomize.output()).contains("agentrun.agent.xonovex.com/fix-auth-bug created",
                "agentprovider.agent.xonovex.com/gemini-provider created");
        var crds = kubectl("apply", "--dry-run=server", "-k", "kubernetes/crd");
        assertThat(crds.exitCode()).as(crds.output()).isZero();
        var get = kubectl("get", "agentruns", "-n", namespace);
        assertThat(get.output()).contains("NAME", "AGENT", "PHASE", "AGE").contains("fix-auth-bug", "feature-work");
        var providers = kubectl("get", "agentproviders", "-n", namespace);
        assertThat(providers.output()).contains("DISPLAY NAME", "READY").contains("gemini-provider");
    }

    static TestCommands.Result kubectl(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>();
        command.add(KubectlBinary.path());
        command.add("--kubeconfig=" + KubeApiServerResource.kubeconfig());
        command.addAll(List.of(args));
        return TestCommands.run(new ProcessBuilder(command));
    }
}
