package com.xonovex.agentoperator.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.xonovex.agentoperator.api.AgentType;

/**
 * The real agent CLIs at the pinned versions, installed from npm by src/test/agents/install-clis.sh into the cache
 * (once). {@link #install()} returns the executables, or says why it could not.
 */
public final class AgentClis {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);

    private AgentClis() {
    }

    /** The outcome: the executable of each agent, or what went wrong (with the installer's log). */
    public record Installed(Map<AgentType, Path> binaries, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    public static Installed install() throws Exception {
        var script = Path.of("src/test/agents/install-clis.sh").toAbsolutePath();
        var out = Files.createTempFile("install-clis", ".out");
        var err = Files.createTempFile("install-clis", ".err");
        try {
            var process = new ProcessBuilder("bash", script.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done = process.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            var log = Files.readString(err);
            System.err.print(log);
            if (!done || process.exitValue() != 0) {
                return new Installed(Map.of(), "cannot install the agent CLIs with " + script + " ("
                        + (done ? "exit " + process.exitValue() : "timed out after " + INSTALL_TIMEOUT) + "):\n" + log);
            }
            var binDirs = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).map(Path::of).toList();
            if (binDirs.size() != 2) {
                return new Installed(Map.of(), script + " printed " + binDirs + ", expected two bin directories");
            }
            return new Installed(Map.of(AgentType.CLAUDE, binDirs.get(0).resolve("claude").toRealPath(),
                    AgentType.OPENCODE, binDirs.get(1).resolve("opencode").toRealPath()), null);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
