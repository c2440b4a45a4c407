package com.xonovex.agentoperator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.resolve.ProviderSettings;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import com.xonovex.agentoperator.workload.AgentEnvironment;
import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * One directory laid out like the agent container for a real agent CLI run as a process: a HOME, a git repository
 * as the working directory, the prompt file, the workspace with the transcript, a termination-log file, and the
 * CLI's binary in a bin directory on PATH. {@link #start} runs a container command there exactly as the Job does
 * (the environment the operator builds, the token filled in; a non-root user through {@code setpriv} when the tests
 * run as root, like the pod's runAsUser; Claude Code refuses to bypass permissions as root), with only the wrapper's
 * file locations (PROMPT_FILE, AGENT_TRANSCRIPT, TERMINATION_LOG) pointed into the directory, and HTTP(S) proxies
 * set to a {@link RecordingProxy} that shows any request meant for another host than the fake API.
 */
public final class AgentCliSandbox implements AutoCloseable {
    public static final int AGENT_UID = 1000;
    /** Floats as BigDecimal, so a cost is read exactly as printed. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public final AgentType type;
    public final String token = "sk-test-" + UUID.randomUUID();
    public final Path root;
    public final Path home;
    public final Path repo;
    public final Path bin;
    public final Path promptFile;
    public final Path transcript;
    public final Path terminationLog;
    public final RecordingProxy proxy;
    private final boolean asRoot = "root".equals(System.getProperty("user.name"));
    private final List<Process> processes = new ArrayList<>();

    /** What a finished process left: exit code, outputs, wall time. */
    public record Finished(int exit, String stdout, String stderr, long millis) {
    }

    public AgentCliSandbox(AgentType type, Path cli) throws Exception {
        this.type = type;
        root = Files.createTempDirectory("agent-cli-" + type.value() + "-");
        home = Files.createDirectories(root.resolve("home"));
        repo = Files.createDirectories(root.resolve("workspace/repo"));
        promptFile = root.resolve("prompt");
        transcript = root.resolve("workspace/.agent-operator/transcript.jsonl");
        terminationLog = root.resolve("termination-log");
        exec(repo, "git", "init", "-q");
        if (asRoot) {
            exec(root, "chown", "-R", AGENT_UID + ":" + AGENT_UID, root.toString());
            exec(root, "chmod", "755", root.toString());
        }
        // the CLI's binary where the agent user can reach it (the npm cache may lie in root's home); after the
        // chown, which must not touch the cached file
        bin = Files.createDirectories(root.resolve("bin"));
        var executable = bin.resolve(type.value());
        try {
            Files.createLink(executable, cli);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(cli, executable);
        }
        proxy = new RecordingProxy();
    }

    public void prompt(String prompt) throws IOException {
        Files.writeString(promptFile, prompt, StandardCharsets.UTF_8);
    }

    /**
     * The agent container's environment as {@link AgentEnvironment} builds it for a provider with
     * {@code ANTHROPIC_BASE_URL}, with the Secret's value and the emptyDir for HOME filled in.
     */
    public Map<String, String> jobEnvironment(String baseUrl) {
        var adapter = AgentAdapter.forType(type);
        var resolved = new ResolvedRun(adapter,
                new ProviderSettings("fake", new SecretKeyRef("fake-credentials", "token"), adapter.defaultTokenEnv(),
                        Map.of("ANTHROPIC_BASE_URL", baseUrl)),
                "example.com/agent-runner:1", Duration.ofMinutes(5), Optional.empty(), "1Gi", List.of());
        var env = new HashMap<String, String>();
        for (EnvVar var : AgentEnvironment.build(Fixtures.run("cli", type), resolved)) {
            if (var.getName().equals(adapter.defaultTokenEnv())) {
                assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fake-credentials");
                env.put(var.getName(), token);
            } else if (var.getName().equals("HOME")) {
                assertThat(var.getValue()).isEqualTo(AgentEnvironment.HOME);
                env.put("HOME", home.toString());
            } else {
                assertThat(var.getValueFrom()).as(var.getName()).isNull();
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    /** Starts {@code command} in the repository with the Job's environment plus {@code extraEnv}. */
    public Process start(List<String> command, String baseUrl, Map<String, String> extraEnv) throws IOException {
        var processCommand = new ArrayList<String>();
        if (asRoot) {
            processCommand.addAll(List.of("setpriv", "--reuid=" + AGENT_UID, "--regid=" + AGENT_UID,
                    "--clear-groups", "--"));
        }
        processCommand.addAll(command);
        var builder = new ProcessBuilder(processCommand).directory(repo.toFile());
        builder.environment().clear();
        builder.environment().putAll(jobEnvironment(baseUrl));
        // the image's PATH
        builder.environment().put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        for (var name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY")) {
            builder.environment().put(name, proxy.url());
        }
        builder.environment().put("NO_PROXY", "127.0.0.1");
        builder.environment().put("no_proxy", "127.0.0.1");
        builder.environment().put("PROMPT_FILE", promptFile.toString());
        builder.environment().put("AGENT_TRANSCRIPT", transcript.toString());
        builder.environment().put("TERMINATION_LOG", terminationLog.toString());
        builder.environment().putAll(extraEnv);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(root.resolve("stdout").toFile()).redirectError(root.resolve("stderr").toFile());
        var process = builder.start();
        processes.add(process);
        return process;
    }

    /** Waits for {@code process}; on timeout it is killed, with what it started, and the exit code is -1. */
    public Finished finish(Process process, Duration timeout, long startNanos) throws Exception {
        boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            kill(process);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return new Finished(done ? process.exitValue() : -1, Files.readString(root.resolve("stdout")),
                Files.readString(root.resolve("stderr")), millis);
    }

    public Finished run(List<String> command, String baseUrl, Map<String, String> extraEnv, Duration timeout)
            throws Exception {
        long start = System.nanoTime();
        return finish(start(command, baseUrl, extraEnv), timeout, start);
    }

    /** The termination message as the kubelet would read it, or null when none was written. */
    public String terminationMessage() throws IOException {
        return Files.exists(terminationLog) ? Files.readString(terminationLog, StandardCharsets.UTF_8) : null;
    }

    public byte[] terminationMessageBytes() throws IOException {
        return Files.readAllBytes(terminationLog);
    }

    /** The transcript's lines, each parsed (every line the CLIs print is a JSON object). */
    public List<JsonNode> transcriptEvents() throws IOException {
        var events = new ArrayList<JsonNode>();
        for (var line : Files.readString(transcript, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    public static String tail(String text) {
        return text.length() <= 8000 ? text : "..." + text.substring(text.length() - 8000);
    }

    private static void exec(Path dir, String... command) throws Exception {
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill(process);
            throw new AssertionError(List.of(command) + " timed out");
        }
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", List.of(command), output).isZero();
    }

    public static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (var process : processes) {
            kill(process);
        }
        proxy.close();
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
