package com.xonovex.agentoperator.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The git repositories the tier-4 runs clone: a bare {@value RealNodeEnvironment#REPOSITORY} with one commit. */
final class Repositories {
    static final String README = "A repository for the agents of tier 4.\n";

    private Repositories() {
    }

    /** Creates {@code root/project.git} (main: README) and returns root, the git server's project root. */
    static Path create(Path root) throws Exception {
        var work = Files.createDirectories(root.resolveSibling("git-work"));
        git(root.getParent(), "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("README"), README);
        git(work, "add", "README");
        git(work, "commit", "-q", "-m", "Initial commit");
        Files.createDirectories(root);
        git(root, "clone", "-q", "--bare", work.toString(), root.resolve(RealNodeEnvironment.REPOSITORY).toString());
        return root;
    }

    private static void git(Path dir, String... args) throws Exception {
        var command = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@example.com"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
        }
    }
}
