package com.xonovex.agentoperator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Running the test bed's command-line tools (kubectl, helm, operator-verify) and listing files, for tests. */
public final class TestCommands {
    private TestCommands() {
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs the command with stderr merged into stdout; it must end within two minutes. */
    public static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        var process = builder.redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s ended in time", builder.command()).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** The regular files below root, as sorted relative paths. */
    public static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
