package com.xonovex.agentoperator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.support.AgentCliSandbox;
import com.xonovex.agentoperator.support.AgentClis;
import com.xonovex.agentoperator.support.FakeMessagesApi;
import com.xonovex.agentoperator.workload.Scripts;

/**
 * Runs the real agent CLIs exactly as the Job does (the adapter's command, so under the run-agent wrapper; the
 * environment the operator builds; the prompt on standard input; a non-root user) against a fake Anthropic Messages
 * API on loopback, and checks that the prompt reaches the model byte-exact, the token is sent, the agent's tool call
 * is carried out, and the output is JSON lines. The CLIs come from npm through src/test/agents/install-clis.sh
 * (cached); without them the test is skipped. {@link AgentCliSandbox} lays out the container's files: only the
 * wrapper's file locations differ from a Job's, through its environment, never the command. What the wrapper
 * reports is tested in {@link AgentCliResultTest}.
 */
class AgentCliHeadlessTest {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static final Path PWNED = Path.of("/tmp/pwned");

    static final Map<AgentType, Path> BINARIES = new HashMap<>();

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
        static Agent of(AgentType type, String token) {
            return switch (type) {
                case CLAUDE -> new Agent(type, "claude", "Authorization", "Bearer " + token);
                case OPENCODE -> new Agent(type, "opencode", "x-api-key", token);
            };
        }

        String writeTool() {
            return FakeMessagesApi.WriteTool.of(type).name();
        }
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void theRealCliGetsTheWholePromptFromStandardInputAndRunsHeadless(AgentType type) throws Exception {
        var adapter = AgentAdapter.forType(type);
        var marker = "MARKER-" + UUID.randomUUID();
        var sandbox = new AgentCliSandbox(type, BINARIES.get(type));
        cleanup.add(sandbox);
        var agent = Agent.of(type, sandbox.token);
        var written = sandbox.repo.resolve("written-by-the-agent.txt");
        var writtenContent = "written through the " + agent.writeTool() + " tool\n" + marker + "\n";

        var prompt = nastyPrompt(marker);
        assertThat(prompt.getBytes(StandardCharsets.UTF_8).length).as("longer than MAX_ARG_STRLEN")
                .isGreaterThan(128 * 1024);
        sandbox.prompt(prompt);

        var api = new FakeMessagesApi(type, written.toString(), writtenContent);
        cleanup.add(api);
        Files.deleteIfExists(PWNED);

        // the Job's command: the CLI under the wrapper; no user text in it
        var command = adapter.command();
        assertThat(command.subList(0, 5)).containsExactly("/bin/sh", "-c", Scripts.RUN_AGENT, "run-agent",
                type.value());
        assertThat(command.subList(5, command.size())).isEqualTo(adapter.cliArgv(Limits.NONE));
        assertThat(String.join(" ", command)).doesNotContain(marker);

        var finished = sandbox.run(command, api.baseUrl(), Map.of(), RUN_TIMEOUT);
        var out = finished.stdout();
        var proxy = sandbox.proxy;
        var diagnosis = "\n--- stderr:\n" + AgentCliSandbox.tail(finished.stderr()) + "\n--- stdout:\n"
                + AgentCliSandbox.tail(out) + "\n--- requests: " + api.requests().stream()
                        .map(r -> r.method() + " " + r.uri() + " " + r.status()).toList()
                + "\n--- proxied: " + proxy.requests();
        System.err.printf("%s: exit %s after %d ms, %d requests, %d proxied%n", agent.command(), finished.exit(),
                finished.millis(), api.requests().size(), proxy.requests().size());

        assertThat(finished.exit()).as("finished within %s%s", RUN_TIMEOUT, diagnosis).isNotNegative();
        assertThat(finished.exit()).as("exit code%s", diagnosis).isZero();

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
                var event = AgentCliSandbox.JSON.readTree(line);
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

        // the wrapper kept the output as the transcript, byte for byte, and reported a result
        assertThat(Files.readString(sandbox.transcript, StandardCharsets.UTF_8)).isEqualTo(out);
        assertThat(sandbox.terminationMessage()).as("termination message").startsWith("{").endsWith("}\n");
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
}
