package com.xonovex.agentoperator;

import java.nio.file.Path;

/** The test bed's binaries, where src/test/cluster/build.sh puts them. */
public final class TestBinaries {
    public static final String KUBERNETES_VERSION = "v1.34.4";

    private TestBinaries() {
    }

    public static Path path(String name) {
        var cache = System.getenv().getOrDefault("AGENT_OPERATOR_CACHE",
                Path.of(System.getProperty("user.home"), ".cache", "agent-operator").toString());
        return Path.of(cache, "k8s-" + KUBERNETES_VERSION, "bin", name);
    }
}
