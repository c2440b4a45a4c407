package com.xonovex.agentoperator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.resolve.ProviderSettings;
import com.xonovex.agentoperator.support.AgentClis;
import com.xonovex.agentoperator.support.FakeMessagesApi;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import com.xonovex.agentoperator.workload.AgentEnvironment;
import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * Runs the real agent CLIs exactly as the Job does (the adapter's command, the environment the operator builds, the
 * prompt on standard input, a non-root user) against a fake Anthropic Messages API on loopback, and checks that the
 * prompt reaches the model byte-exact, the token is sent, the agent's tool call is carried out, and the output is
 * JSON lines. The CLIs come from npm through src/test/agents/install-clis.sh (cached); without them the test is
 * skipped.
 *
 * <p>The command reads the prompt from {@link AgentAdapter#PROMPT_FILE} in a Job; here from a temporary file through
 * the adapters' package-private {@code command(promptFile)}, which {@code command()} delegates to, so only that path
 * differs (asserted below). Run as root (as on the CI machines), the CLI runs as uid/gid {@value #AGENT_UID} through
 * {@code setpriv}, like the pod's runAsUser; Claude Code refuses to bypass permissions as root.
 */
class AgentCliHeadlessTest {
    static final int AGENT_UID = 1000;
    private static final String TOKEN = "sk-test-" + UUID.randomUUID();
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final Path PWNED = Path.of("/tmp/pwned");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<AgentType, Path> BINARIES = new HashMap<>();

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void installClis() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"),
                "the pinned CLIs are installed for linux-x64 only");
        var installed = AgentClis.install();
        Assumptions.assumeTrue(installed.ok(), installed::problem);
        BINARIES.putAll(installed.binaries());
    }

    @AfterEach
    void cleanUp() throws Exception {
        Collections.reverse(cleanup);
        for (var c : cleanup) {
            c.close();
        }
    }

    /** What differs between the CLIs for this test. */
    record Agent(AgentType type, String command, String authHeader, String authValue) {
        static Agent of(AgentType type) {
            return switch (type) {
                case CLAUDE -> new Agent(type, "claude", "Authorization", "Bearer " + TOKEN);
                case OPENCODE -> new Agent(type, "opencode", "x-api-key", TOKEN);
            };
        }

        String writeTool() {
            return FakeMessagesApi.WriteTool.of(type).name();
        }
    }

    static List<String> command(AgentAdapter adapter, String promptFile) {
        return switch (adapter.type()) {
            case CLAUDE -> ((ClaudeAdapter) adapter).command(promptFile);
            case OPENCODE -> ((OpenCodeAdapter) adapter).command(promptFile);
        };
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void theRealCliGetsTheWholePromptFromStandardInputAndRunsHeadless(AgentType type) throws Exception {
        var agent = Agent.of(type);
        var adapter = AgentAdapter.forType(type);
        var marker = "MARKER-" + UUID.randomUUID();

        var root = Files.createTempDirectory("agent-cli-" + agent.command() + "-");
        cleanup.add(() -> deleteTree(root));
        var home = Files.createDirectories(root.resolve("home"));
        var repo = Files.createDirectories(root.resolve("repo"));
        var promptFile = root.resolve("prompt");
        run(repo, List.of("git", "init", "-q"), Duration.ofSeconds(30));
        var written = repo.resolve("written-by-the-agent.txt");
        var writtenContent = "written through the " + agent.writeTool() + " tool\n" + marker + "\n";

        var prompt = nastyPrompt(marker);
        assertThat(prompt.getBytes(StandardCharsets.UTF_8).length).as("longer than MAX_ARG_STRLEN")
                .isGreaterThan(128 * 1024);
        Files.writeString(promptFile, prompt, StandardCharsets.UTF_8);

        var api = new FakeMessagesApi(type, written.toString(), writtenContent);
        cleanup.add(api);
        var proxy = new RecordingProxy();
        cleanup.add(proxy);

        boolean asRoot = "root".equals(System.getProperty("user.name"));
        if (asRoot) {
            Files.deleteIfExists(PWNED);
            run(root, List.of("chown", "-R", AGENT_UID + ":" + AGENT_UID, root.toString()), Duration.ofSeconds(30));
            run(root, List.of("chmod", "755", root.toString()), Duration.ofSeconds(30));
        }
        assertThat(PWNED).as("left over from an earlier run").doesNotExist();

        // the CLI's binary where the agent user can reach it (the npm cache may lie in root's home); after the
        // chown, which must not touch the cached file
        Path bin = Files.createDirectories(root.resolve("bin"));
        var executable = bin.resolve(agent.command());
        try {
            Files.createLink(executable, BINARIES.get(type));
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(BINARIES.get(type), executable);
        }

        // the argv is the Job's, but for the prompt file's path
        var argv = command(adapter, promptFile.toString());
        var jobArgv = adapter.command();
        assertThat(command(adapter, AgentAdapter.PROMPT_FILE)).isEqualTo(jobArgv);
        assertThat(argv).hasSameSizeAs(jobArgv);
        for (int i = 0; i < argv.size(); i++) {
            if (i != 2) {
                assertThat(argv.get(i)).isEqualTo(jobArgv.get(i));
            }
        }
        assertThat(argv.get(2)).isEqualTo(jobArgv.get(2).replace(AgentAdapter.PROMPT_FILE, promptFile.toString()));

        var processCommand = new ArrayList<String>();
        if (asRoot) {
            processCommand.addAll(List.of("setpriv", "--reuid=" + AGENT_UID, "--regid=" + AGENT_UID,
                    "--clear-groups", "--"));
        }
        processCommand.addAll(argv);
        var builder = new ProcessBuilder(processCommand).directory(repo.toFile());
        builder.environment().clear();
        builder.environment().putAll(jobEnvironment(adapter, api.baseUrl(), home));
        // the image's PATH; and a proxy that records any request meant for another host than the fake API
        builder.environment().put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        for (var name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY")) {
            builder.environment().put(name, proxy.url());
        }
        builder.environment().put("NO_PROXY", "127.0.0.1");
        builder.environment().put("no_proxy", "127.0.0.1");
        var stdout = root.resolve("stdout");
        var stderr = root.resolve("stderr");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());

        long start = System.nanoTime();
        var process = builder.start();
        cleanup.add(() -> kill(process));
        boolean done = process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            kill(process);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        var out = Files.readString(stdout);
        var err = Files.readString(stderr);
        var diagnosis = "\n--- " + String.join(" ", processCommand) + "\n--- stderr:\n" + tail(err)
                + "\n--- stdout:\n" + tail(out) + "\n--- requests: " + api.requests().stream()
                        .map(r -> r.method() + " " + r.uri() + " " + r.status()).toList()
                + "\n--- proxied: " + proxy.requests();
        System.err.printf("%s: exit %s after %d ms, %d requests, %d proxied%n", agent.command(),
                done ? process.exitValue() : "timeout", millis, api.requests().size(), proxy.requests().size());

        assertThat(done).as("finished within %s%s", RUN_TIMEOUT, diagnosis).isTrue();
        assertThat(process.exitValue()).as("exit code%s", diagnosis).isZero();

        // the prompt reached the model whole, as the user's message, and no shell ran any part of it
        var messages = api.requests().stream().filter(r -> r.isMessages() && r.json().has("tools")).toList();
        assertThat(messages).as("requests with tools%s", diagnosis).isNotEmpty();
        for (var request : messages) {
            // byte-exact: one text of the user's message is the prompt file's content, not a character more or less
            assertThat(request.firstUserTexts()).as("the user message of %s", request.uri()).contains(prompt);
        }
        assertThat(PWNED).doesNotExist();

        // the token, as the header this variable means
        for (var request : api.requests()) {
            assertThat(request.header(agent.authHeader())).as("%s of %s", agent.authHeader(), request.uri())
                    .isEqualTo(agent.authValue());
        }
        assertThat(api.requests()).allSatisfy(r -> assertThat(r.status()).as("status of %s", r.uri()).isEqualTo(200));

        // the tool call was carried out in the working directory
        assertThat(written).as("the file the fake model asked for%s", diagnosis).exists();
        assertThat(Files.readString(written)).isEqualTo(writtenContent);
        assertThat(api.toolResults()).as("tool_result sent back").isPositive();

        // standard output is JSON lines
        var events = new ArrayList<JsonNode>();
        for (var line : out.split("\n")) {
            if (!line.isBlank()) {
                var event = JSON.readTree(line);
                assertThat(event.isObject()).as("JSON object: %s", line).isTrue();
                assertThat(event.hasNonNull("type")).as("has a type: %s", line).isTrue();
                events.add(event);
            }
        }
        assertThat(events).as("events%s", diagnosis).isNotEmpty();
        if (type == AgentType.CLAUDE) {
            var result = events.get(events.size() - 1);
            assertThat(result.path("type").asText()).isEqualTo("result");
            assertThat(result.path("is_error").asBoolean(true)).as("is_error of %s", result).isFalse();
            assertThat(result.path("subtype").asText()).isEqualTo("success");
            assertThat(result.path("result").asText()).isEqualTo(FakeMessagesApi.FINAL_TEXT);
            assertThat(events).anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("system"));
        } else {
            assertThat(events).noneSatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("error"));
            assertThat(events).anySatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("tool_use");
                assertThat(e.at("/part/tool").asText()).isEqualTo("write");
                assertThat(e.at("/part/state/status").asText()).isEqualTo("completed");
            });
            assertThat(events).anySatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("text");
                assertThat(e.at("/part/text").asText()).isEqualTo(FakeMessagesApi.FINAL_TEXT);
            });
            var last = events.get(events.size() - 1);
            assertThat(last.path("type").asText()).isEqualTo("step_finish");
            assertThat(last.at("/part/reason").asText()).isEqualTo("stop");
        }

        // nothing but the fake API was asked; OpenCode 1.18 always tries, in the background, to npm-install
        // @opencode-ai/plugin into a writable config dir (~/.config/opencode) that has no node_modules; no setting
        // turns that off, and when it fails it only logs a warning
        var expected = type == AgentType.OPENCODE ? List.of("CONNECT registry.npmjs.org:443 HTTP/1.1")
                : List.<String>of();
        assertThat(proxy.requests()).as("requests to other hosts").isSubsetOf(expected);
    }

    /**
     * The agent container's environment as {@link AgentEnvironment} builds it for a provider with
     * {@code ANTHROPIC_BASE_URL}, with the Secret's value and the emptyDir for HOME filled in.
     */
    static Map<String, String> jobEnvironment(AgentAdapter adapter, String baseUrl, Path home) {
        var resolved = new ResolvedRun(adapter,
                new ProviderSettings("fake", new SecretKeyRef("fake-credentials", "token"), adapter.defaultTokenEnv(),
                        Map.of("ANTHROPIC_BASE_URL", baseUrl)),
                "example.com/agent-runner:1", Duration.ofMinutes(5), Optional.empty(), "1Gi", List.of());
        var env = new HashMap<String, String>();
        for (EnvVar var : AgentEnvironment.build(Fixtures.run("cli", adapter.type()), resolved)) {
            if (var.getName().equals(adapter.defaultTokenEnv())) {
                assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("fake-credentials");
                env.put(var.getName(), TOKEN);
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

    /** Multi-line, with shell syntax and quotes, over 128 KiB; what a careless command line would break. */
    static String nastyPrompt(String marker) {
        var text = new StringBuilder();
        text.append("Write the file you are asked for.\n")
                .append("Never run this: $(touch /tmp/pwned) nor `touch /tmp/pwned` nor ${HOME:+x}; exit 1\n")
                .append("It's \"double\" and 'single' quoted, with a backslash \\ and a tab\t and unicode: ü → ✓\n")
                .append(marker).append('\n');
        for (int i = 0; text.length() < 140 * 1024; i++) {
            text.append("line ").append(i).append(": '$(rm -rf ~)' \"`id`\" && echo \"$PATH\" | sh; ")
                    .append("lorem ipsum dolor sit amet\n");
        }
        return text.append("END ").append(marker).append('\n').toString();
    }

    /**
     * A proxy that only records: the first line of every request (an absolute URL, or CONNECT host:port) and closes
     * the connection. Set as HTTP(S)_PROXY, it shows any attempt to reach a host other than the fake API.
     */
    static final class RecordingProxy implements AutoCloseable {
        private final ServerSocket socket;
        private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        RecordingProxy() throws IOException {
            socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "recording-proxy");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        List<String> requests() {
            synchronized (requests) {
                return List.copyOf(requests);
            }
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    client.setSoTimeout(2000);
                    var line = new BufferedReader(new InputStreamReader(client.getInputStream(),
                            StandardCharsets.ISO_8859_1)).readLine();
                    requests.add(line == null ? "(connection without a request)" : line);
                    client.getOutputStream().write(("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    if (!socket.isClosed()) {
                        requests.add("(" + e + ")");
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void run(Path dir, List<String> command, Duration timeout) throws Exception {
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            kill(process);
            throw new AssertionError(command + " timed out");
        }
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static String tail(String text) {
        return text.length() <= 8000 ? text : "..." + text.substring(text.length() - 8000);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
