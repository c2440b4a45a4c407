package com.xonovex.agentoperator.node;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the test bed's scripts (src/test/cluster/*.sh); their stderr goes to a log file, stdout holds KEY=VALUE lines. */
final class Scripts {
    /** What a script printed and how it ended. */
    record Result(int exitCode, Map<String, String> values, String log) {
        String value(String key) {
            var value = values.get(key);
            if (value == null) {
                throw new IllegalStateException("no " + key + " in the script's output: " + values + "\n" + log);
            }
            return value;
        }
    }

    private Scripts() {
    }

    static Result run(Path project, Path logDir, Duration timeout, String script, String... args) throws Exception {
        var command = new ArrayList<>(List.of("bash", project.resolve("src/test/cluster").resolve(script).toString()));
        command.addAll(List.of(args));
        var name = script.replace(".sh", "") + (args.length > 0 ? "-" + args[0] : "");
        var out = logDir.resolve(name + ".out");
        var err = logDir.resolve(name + ".log");
        long t0 = System.nanoTime();
        var process = new ProcessBuilder(command).directory(project.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(err.toFile())).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                    + tail(err));
        }
        var values = new LinkedHashMap<String, String>();
        for (var line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        System.err.printf("tier 4: %s %s: exit %d after %.1fs%n", script, String.join(" ", args),
                process.exitValue(), (System.nanoTime() - t0) / 1e9);
        return new Result(process.exitValue(), values, tail(err));
    }

    static String tail(Path file) {
        try {
            var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (Exception e) {
            return "(no log " + file + ")";
        }
    }
}
