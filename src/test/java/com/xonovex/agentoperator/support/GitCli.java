package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tests' own git (the real binary, not the scripts' PATH): no system config, {@code safe.directory=*}, a fixed
 * identity, HOME in a directory of the test's.
 */
public final class GitCli {
    private final String binary;
    private final Path home;

    public GitCli(String binary, Path home) {
        this.binary = binary;
        this.home = home;
    }

    public String binary() {
        return binary;
    }

    /** Runs git in {@code cwd}; it must succeed; returns its trimmed standard output. */
    public String git(Path cwd, String... args) throws IOException, InterruptedException {
        Shell.Result r = result(cwd, args);
        assertThat(r.exit()).as("git %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r.stdout().trim();
    }

    public Shell.Result result(Path cwd, String... args) throws IOException, InterruptedException {
        return Shell.collect(builder(cwd, args), home);
    }

    /** As {@link #result(Path, String...)} with more environment variables. */
    public Shell.Result result(Map<String, String> env, Path cwd, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = builder(cwd, args);
        pb.environment().putAll(env);
        return Shell.collect(pb, home);
    }

    /** Every object of a repository, as {@code git cat-file --batch-all-objects --batch} prints them. */
    public byte[] allObjects(Path gitDir) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "objects", ".bin");
        try {
            // no hooks or fsmonitor: the repository may be a hostile one the test left in a workspace
            Process p = builder(gitDir, "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false",
                    "--git-dir=" + gitDir, "cat-file", "--batch-all-objects", "--batch")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(Shell.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("cat-file in %s", gitDir).isZero();
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private ProcessBuilder builder(Path cwd, String... args) {
        List<String> command = new ArrayList<>(List.of(binary, "-c", "safe.directory=*"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_AUTHOR_NAME", "Test");
        env.put("GIT_AUTHOR_EMAIL", "test@example.com");
        env.put("GIT_COMMITTER_NAME", "Test");
        env.put("GIT_COMMITTER_EMAIL", "test@example.com");
        return pb;
    }
}
