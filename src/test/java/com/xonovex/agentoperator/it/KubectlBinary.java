package com.xonovex.agentoperator.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The kubectl that src/test/cluster/build.sh built, found where kube-api-test finds its binaries. */
final class KubectlBinary {
    private KubectlBinary() {
    }

    static String path() {
        var dir = System.getenv().getOrDefault("KUBE_API_TEST_DIR",
                Path.of(System.getProperty("user.home"), ".kubeapitest").toString());
        try (var versions = Files.list(Path.of(dir, "k8s"))) {
            return versions.max(Comparator.comparing(Path::toString))
                    .map(v -> v.resolve("kubectl"))
                    .filter(Files::isExecutable)
                    .orElseThrow(() -> new IllegalStateException("no kubectl under " + dir
                            + "/k8s; run src/test/cluster/build.sh"))
                    .toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
