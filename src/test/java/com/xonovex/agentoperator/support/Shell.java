package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs processes for the script tests: an exact environment, no standard input, outputs through files. */
public final class Shell {
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Exit status and outputs of a process. */
    public record Result(int exit, String stdout, String stderr) {
        public String output() {
            return stdout + stderr;
        }
    }

    private Shell() {
    }

    /**
     * Runs {@code /bin/sh -c script} (as a container command does) in {@code cwd} with exactly {@code env}; its
     * outputs are kept as {@code NAME.out} and {@code NAME.err} in {@code outputs}, where a test can search them.
     */
    public static Result script(String script, Path cwd, Map<String, String> env, Path outputs, String name)
            throws IOException, InterruptedException {
        Path out = outputs.resolve(name + ".out");
        Path err = outputs.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script).directory(cwd.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("the script did not finish within " + TIMEOUT + " (prompting?): " + readQuietly(out)
                    + readQuietly(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Runs a process to its end; its outputs pass through temporary files in {@code scratch}. */
    public static Result collect(ProcessBuilder pb, Path scratch) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        try {
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("timed out: " + pb.command());
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command that must succeed; returns its standard output. */
    public static String exec(Path cwd, Path scratch, String... command) throws IOException, InterruptedException {
        Result r = collect(new ProcessBuilder(List.of(command)).directory(cwd.toFile()), scratch);
        if (r.exit() != 0) {
            fail(String.join(" ", command) + ": " + r.output());
        }
        return r.stdout();
    }

    public static String findOnPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String d : path.split(":")) {
            Path candidate = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return null;
    }

    public static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
