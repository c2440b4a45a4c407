package com.xonovex.agentoperator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.api.RunResult;
import com.xonovex.agentoperator.result.AgentResults;
import com.xonovex.agentoperator.support.Shell;
import com.xonovex.agentoperator.support.TerminationMessages;

/**
 * run-agent.sh (Scripts.RUN_AGENT) run as the agent container runs it, {@code /bin/sh -c SCRIPT run-agent AGENT
 * CLI...}, with a stand-in CLI that prints given bytes: what the wrapper does with the prompt, the output, the exit
 * code, a deadline, signals and leftovers, and that the termination message is valid, bounded JSON whatever the
 * output holds. The outputs here are hostile or garbage on purpose (quotes, control bytes, invalid UTF-8, lies,
 * 100 KB texts, no JSON at all); what the real CLIs print is tested in AgentCliResultTest. The transcript tests run
 * with every awk found on the machine (mawk, busybox awk, gawk --posix, the one true awk), since images differ.
 */
class RunAgentScriptTest {
    private static final String TOKEN = "sk-ant-test-0123456789abcdef";
    /** The stand-in CLI: keeps its standard input, prints the prepared output, then behaves as told. */
    private static final String FAKE_CLI = """
            #!/bin/sh
            cat > "$FAKE_DIR/stdin"
            cat "$FAKE_DIR/out"
            [ -n "${FAKE_ERR:-}" ] && printf '%s\\n' "$FAKE_ERR" >&2
            [ -n "${FAKE_IGNORE_TERM:-}" ] && trap '' TERM
            [ -n "${FAKE_LEAVE:-}" ] && { sleep 30 & echo $! > "$FAKE_DIR/left"; }
            [ -n "${FAKE_DETACH:-}" ] && { setsid sleep 8 & sleep 0.5; }
            [ -n "${FAKE_SLEEP:-}" ] && sleep "$FAKE_SLEEP"
            exit "${FAKE_RC:-0}"
            """;

    @TempDir
    Path dir;
    private Path fake;
    private Path prompt;

    /** An awk implementation: how to call it. */
    record Awk(String name, String command) {
        boolean available() {
            return Shell.findOnPath(command.split(" ")[0]) != null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Awk> awks() {
        return Stream.of(new Awk("mawk", "mawk"), new Awk("busybox", "busybox awk"),
                new Awk("gawk-posix", "gawk --posix"), new Awk("one-true-awk", "original-awk")).filter(Awk::available);
    }

    /** What one run left. */
    record Run(int exit, byte[] stdout, String stderr, byte[] message, long millis, Path dir) {
        String messageText() {
            return new String(message, StandardCharsets.UTF_8);
        }

        JsonNode json() throws Exception {
            return TerminationMessages.assertValid(message);
        }

        RunResult result() throws Exception {
            json();
            return AgentResults.parse(messageText()).orElseThrow();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fake = dir.resolve("fake-cli");
        Files.writeString(fake, FAKE_CLI);
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        prompt = dir.resolve("prompt");
        Files.writeString(prompt, "Fix it.\n");
    }

    private Run run(String agent, byte[] output, Map<String, String> env) throws Exception {
        return run(List.of(agent, fake.toString()), output, env, null);
    }

    /** Runs the wrapper with {@code args}; the fake CLI prints {@code output}; {@code awk} (null: the system's). */
    private Run run(List<String> args, byte[] output, Map<String, String> env, Awk awk) throws Exception {
        var runDir = Files.createTempDirectory(dir, "run");
        Files.write(runDir.resolve("out"), output);
        var path = "/usr/local/bin:/usr/bin:/bin";
        if (awk != null) {
            var bin = Files.createDirectories(runDir.resolve("bin"));
            Files.writeString(bin.resolve("awk"), "#!/bin/sh\nexec " + awk.command() + " \"$@\"\n");
            assertThat(bin.resolve("awk").toFile().setExecutable(true)).isTrue();
            path = bin + ":" + path;
        }
        var command = new ArrayList<>(List.of("/bin/sh", "-c", Scripts.RUN_AGENT, "run-agent"));
        command.addAll(args);
        var builder = new ProcessBuilder(command).directory(runDir.toFile());
        builder.environment().clear();
        var vars = new HashMap<String, String>();
        vars.put("PATH", path);
        vars.put("TMPDIR", Files.createDirectories(runDir.resolve("tmp")).toString());
        vars.put("FAKE_DIR", runDir.toString());
        vars.put("PROMPT_FILE", prompt.toString());
        vars.put("AGENT_TRANSCRIPT", runDir.resolve("workspace/.agent-operator/transcript.jsonl").toString());
        vars.put("TERMINATION_LOG", runDir.resolve("termination-log").toString());
        vars.put("ANTHROPIC_AUTH_TOKEN", TOKEN);
        vars.putAll(env);
        vars.values().removeIf(v -> v == null);
        builder.environment().putAll(vars);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(runDir.resolve("stdout").toFile()).redirectError(runDir.resolve("stderr").toFile());
        long start = System.nanoTime();
        var process = builder.start();
        if (env.containsKey("TEST_SIGTERM_AFTER_MS")) {
            Thread.sleep(Long.parseLong(env.get("TEST_SIGTERM_AFTER_MS")));
            process.destroy();
        }
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the wrapper did not end: " + Files.readString(runDir.resolve("stderr")));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        var log = runDir.resolve("termination-log");
        return new Run(process.exitValue(), Files.readAllBytes(runDir.resolve("stdout")),
                Files.readString(runDir.resolve("stderr"), StandardCharsets.ISO_8859_1),
                Files.exists(log) ? Files.readAllBytes(log) : new byte[0], millis, runDir);
    }

    private static byte[] bytes(Object... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String claudeResult(String resultJsonString, String extra) {
        return "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"num_turns\":3,"
                + "\"session_id\":\"sess-1\",\"total_cost_usd\":0.0123,\"usage\":{\"input_tokens\":5,"
                + "\"output_tokens\":6},\"result\":" + resultJsonString + extra + "}\n";
    }

    // ---- the CLI's input, output and exit code

    @Test
    void theWrappersDefaultPathsAreWhereTheJobMountsThem() {
        assertThat(Scripts.RUN_AGENT).contains("${PROMPT_FILE:-" + AgentAdapter.PROMPT_FILE + "}")
                .contains("${AGENT_TRANSCRIPT:-" + AgentJobBuilder.WORKSPACE + "/.agent-operator/transcript.jsonl}")
                .contains("${TERMINATION_LOG:-/dev/termination-log}");
        assertThat(AgentAdapter.PROMPT_FILE).isEqualTo(AgentJobBuilder.PROMPT_DIR + "/prompt");
    }


    @Test
    void theCliGetsThePromptByteExactAndItsOutputGoesToTheLogAndTheTranscriptAsItWas() throws Exception {
        var random = new Random(42);
        var promptBytes = new byte[200 * 1024];
        random.nextBytes(promptBytes);
        System.arraycopy("$(touch /tmp/pwned) `id` \"'\\\n".getBytes(StandardCharsets.UTF_8), 0, promptBytes, 0, 26);
        Files.write(prompt, promptBytes);
        var output = new byte[64 * 1024];
        random.nextBytes(output);

        var run = run("claude", output, Map.of("FAKE_RC", "7", "FAKE_ERR", "diagnostics on stderr"));
        assertThat(Files.readAllBytes(run.dir().resolve("stdin"))).isEqualTo(promptBytes);
        assertThat(run.stdout()).isEqualTo(output);
        assertThat(Files.readAllBytes(run.dir().resolve("workspace/.agent-operator/transcript.jsonl")))
                .isEqualTo(output);
        assertThat(run.stderr()).contains("diagnostics on stderr");
        assertThat(run.exit()).isEqualTo(7);
        var json = run.json();
        assertThat(json.path("exitCode").asInt()).isEqualTo(7);
        assertThat(json.path("isError").asBoolean()).isTrue();
        assertThat(json.path("stopReason").asText()).isEqualTo("no-result");
        assertThat(Path.of("/tmp/pwned")).doesNotExist();
    }

    @Test
    void aMissingPromptFileOrCliStillEndsWithAMessage() throws Exception {
        Files.delete(prompt);
        var run = run("opencode", bytes(""), Map.of());
        assertThat(run.exit()).isNotZero();
        assertThat(run.json().path("stopReason").asText()).isEqualTo("no-result");

        Files.writeString(prompt, "x");
        run = run(List.of("claude", dir.resolve("no-such-cli").toString()), bytes(""), Map.of(), null);
        assertThat(run.exit()).isEqualTo(127);
        assertThat(run.json().path("exitCode").asInt()).isEqualTo(127);
    }

    @Test
    void usageErrorsEndWithExitCode2AndAMessage() throws Exception {
        for (var args : List.of(List.<String>of(), List.of("aider", fake.toString()), List.of("claude"))) {
            var run = run(args, bytes(""), Map.of(), null);
            assertThat(run.exit()).as("%s", args).isEqualTo(2);
            assertThat(run.json().path("stopReason").asText()).isEqualTo("usage");
            assertThat(run.stderr()).contains("usage: run-agent");
        }
    }

    @Test
    void aTranscriptThatCannotBeWrittenGoesToTmpAndTheResultIsStillRead() throws Exception {
        var run = run("claude", bytes(claudeResult("\"done\"", "")),
                Map.of("AGENT_TRANSCRIPT", "/dev/null/transcript.jsonl"));
        assertThat(run.exit()).isZero();
        assertThat(run.stderr()).contains("cannot write the transcript /dev/null/transcript.jsonl");
        assertThat(run.result().getSummary()).isEqualTo("done");
        assertThat(run.dir().resolve("tmp/agent-transcript.jsonl")).exists();
    }

    @Test
    void anUnwritableTerminationLogDoesNotChangeTheExitCode() throws Exception {
        var run = run("claude", bytes(claudeResult("\"done\"", "")),
                Map.of("TERMINATION_LOG", "/dev/null/termination-log", "FAKE_RC", "3"));
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.stderr()).contains("cannot write the termination message to /dev/null/termination-log");
    }

    @Test
    void withoutAwkTheMessageSaysWhatTheShellKnows() throws Exception {
        // a PATH with every tool the wrapper uses but awk
        var bin = Files.createDirectories(dir.resolve("no-awk-bin"));
        for (var tool : List.of("timeout", "tee", "mkfifo", "mktemp", "date", "dirname", "wc", "head", "sleep",
                "touch", "cat", "rm", "mkdir", "setsid")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of(Shell.findOnPath(tool)));
        }
        var run = run("claude", bytes(claudeResult("\"done\"", "")), Map.of("PATH", bin.toString(), "FAKE_RC", "0"));
        assertThat(run.exit()).isZero();
        var json = run.json();
        assertThat(json.path("exitCode").asInt()).isZero();
        assertThat(json.path("stopReason").asText()).isEqualTo("no-result");
        assertThat(json.has("summary")).isFalse();
    }

    /** A run that publishes even after a failure: the container succeeds, the message keeps the real outcome. */
    @Test
    void alwaysSucceedEndsTheContainerWithZeroButTheMessageKeepsTheCliExitCode() throws Exception {
        var failing = run("claude", bytes(claudeResult("\"gave up\"", "")),
                Map.of("FAKE_RC", "1", "AGENT_ALWAYS_SUCCEED", "true"));
        assertThat(failing.exit()).isZero();
        assertThat(failing.json().path("exitCode").asInt()).isEqualTo(1);
        var timedOut = run("claude", bytes(claudeResult("\"partial\"", "")),
                Map.of("FAKE_SLEEP", "30", "AGENT_DEADLINE_SECONDS", "1", "AGENT_ALWAYS_SUCCEED", "true"));
        assertThat(timedOut.exit()).isZero();
        assertThat(timedOut.result().getStopReason()).isEqualTo("timeout");
        var unset = run("claude", bytes(claudeResult("\"gave up\"", "")), Map.of("FAKE_RC", "1"));
        assertThat(unset.exit()).isEqualTo(1);
    }

    // ---- deadline, signals, leftovers

    @Test
    void theDeadlineStopsTheCliWithTermAndTheMessageSaysTimeout() throws Exception {
        var run = run("claude", bytes(claudeResult("\"partial\"", "")),
                Map.of("FAKE_SLEEP", "30", "AGENT_DEADLINE_SECONDS", "1"));
        assertThat(run.millis()).isLessThan(5_000L);
        assertThat(run.exit()).isEqualTo(124);
        var result = run.result();
        assertThat(result.getStopReason()).isEqualTo("timeout");
        assertThat(result.getIsError()).isTrue();
        // what the transcript held is still reported
        assertThat(result.getSummary()).isEqualTo("partial");
    }

    @Test
    void aCliThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
        var run = run("opencode", bytes(""), Map.of("FAKE_SLEEP", "30", "FAKE_IGNORE_TERM", "1",
                "AGENT_DEADLINE_SECONDS", "1", "AGENT_KILL_GRACE_SECONDS", "1"));
        assertThat(run.millis()).isBetween(1_900L, 6_000L);
        assertThat(run.exit()).isEqualTo(137);
        assertThat(run.json().path("stopReason").asText()).isEqualTo("timeout");
    }

    @Test
    void aDeadlineThatIsNotAPositiveIntegerIsIgnored() throws Exception {
        for (var deadline : List.of("0", "-5", "abc", "1e3", "9999999999")) {
            var run = run("claude", bytes(claudeResult("\"done\"", "")), Map.of("AGENT_DEADLINE_SECONDS", deadline));
            assertThat(run.exit()).as(deadline).isZero();
            assertThat(run.stderr()).contains("AGENT_DEADLINE_SECONDS");
            assertThat(run.result().getStopReason()).isEqualTo("success");
        }
    }

    @Test
    void sigtermIsPassedToTheCliAndTheMessageSaysTerminated() throws Exception {
        var run = run("claude", bytes(claudeResult("\"so far\"", "")),
                Map.of("FAKE_SLEEP", "30", "TEST_SIGTERM_AFTER_MS", "700"));
        assertThat(run.millis()).isLessThan(5_000L);
        assertThat(run.exit()).isEqualTo(143);
        var result = run.result();
        assertThat(result.getStopReason()).isEqualTo("terminated");
        assertThat(result.getIsError()).isTrue();
        assertThat(result.getSummary()).isEqualTo("so far");
        assertThat(run.stderr()).contains("run-agent: signal received; stopping the agent");
    }

    @Test
    void whatTheCliLeftInItsProcessGroupIsStoppedAndADetachedOneDoesNotHoldTheWrapper() throws Exception {
        var run = run("claude", bytes(claudeResult("\"done\"", "")), Map.of("FAKE_LEAVE", "1", "FAKE_DETACH", "1"));
        assertThat(run.exit()).isZero();
        // the detached sleep keeps the output open: tee is given 5 seconds, then the transcript is read as it is
        assertThat(run.millis()).isBetween(4_500L, 8_000L);
        assertThat(run.stderr()).contains("the agent's output is still open after it ended");
        assertThat(run.result().getSummary()).isEqualTo("done");
        long left = Long.parseLong(Files.readString(run.dir().resolve("left")).strip());
        Thread.sleep(300);
        assertThat(ProcessHandle.of(left).map(ProcessHandle::isAlive).orElse(false)).as("leftover sleep").isFalse();
    }

    // ---- hostile output, with every awk

    @ParameterizedTest
    @MethodSource("awks")
    void escapesControlBytesInvalidUtf8AndSurrogatesBecomeValidJson(Awk awk) throws Exception {
        // raw: a quote and backslash escaped, a raw control byte, raw invalid bytes, a lone surrogate escape, a
        // surrogate pair, raw UTF-8, a truncated sequence, a unicode escape
        var summary = bytes("\"a\\\"b\\\\c", new byte[] {1, (byte) 0xff, (byte) 0xc0, (byte) 0x80},
                "\\ud800 \\ud83d\\ude00 é", new byte[] {(byte) 0xc3}, "x\\u0041\\n\\/\"");
        var run = run(List.of("claude", fake.toString()), bytes("{\"type\":\"result\",\"subtype\":\"success\","
                + "\"is_error\":false,\"result\":", summary, "}\n"), Map.of(), awk);
        var result = run.result();
        assertThat(result.getSummary()).isEqualTo("a\"b\\c\u0001\uFFFD\uFFFD\uFFFD\uFFFD \uD83D\uDE00 é\uFFFDxA\n/");
        assertThat(result.getSummaryTruncated()).isFalse();
        assertThat(result.getIsError()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("awks")
    void aHugeFinalTextIsCutAtACharacterToFitTheMessage(Awk awk) throws Exception {
        var text = new StringBuilder();
        while (text.length() < 100 * 1024) {
            text.append("é\"✓😀\\ \n\t\u0001");
        }
        var json = com.xonovex.agentoperator.support.AgentCliSandbox.JSON.writeValueAsString(text.toString());
        for (var agent : List.of("claude", "opencode")) {
            var line = agent.equals("claude") ? claudeResult(json, "")
                    : "{\"type\":\"text\",\"sessionID\":\"ses_1\",\"part\":{\"type\":\"text\",\"text\":" + json + "}}\n"
                            + "{\"type\":\"step_finish\",\"sessionID\":\"ses_1\",\"part\":{\"reason\":\"stop\"}}\n";
            var run = run(List.of(agent, fake.toString()), bytes(line), Map.of(), awk);
            var result = run.result();
            assertThat(run.message().length).isLessThanOrEqualTo(TerminationMessages.MAX_BYTES);
            assertThat(result.getSummaryTruncated()).isTrue();
            assertThat(result.getSummary().length()).isBetween(300, AgentResults.MAX_SUMMARY);
            assertThat(text.toString()).startsWith(result.getSummary());
        }
    }

    @ParameterizedTest
    @MethodSource("awks")
    void aResultThatLiesKeepsOnlyWhatIsWellFormed(Awk awk) throws Exception {
        var models = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            models.append(i == 0 ? "" : ",").append("\"model-").append(i).append("\":{}");
        }
        var line = "{\"type\":\"result\",\"subtype\":\"" + "x".repeat(500) + "\",\"is_error\":\"no\","
                + "\"num_turns\":1e308,\"session_id\":\"" + "s".repeat(300) + "\",\"total_cost_usd\":-1,"
                + "\"usage\":{\"input_tokens\":-5,\"output_tokens\":\"12\",\"cache_read_input_tokens\":"
                + "99999999999999999999,\"cache_creation_input_tokens\":7.5},\"duration_ms\":123,"
                + "\"api_error_status\":\"401\",\"modelUsage\":{\"" + "m".repeat(300) + "\":{}," + models + "},"
                + "\"result\":{\"not\":\"a string\"}}\n";
        var run = run(List.of("claude", fake.toString()), bytes(line), Map.of(), awk);
        var json = run.json();
        var result = run.result();
        // is_error that is not false is an error; a subtype too long to be one is replaced
        assertThat(result.getIsError()).isTrue();
        assertThat(result.getStopReason()).isEqualTo("unknown");
        assertThat(json.has("turns")).isFalse();
        assertThat(json.has("sessionId")).isFalse();
        assertThat(json.has("costUSD")).isFalse();
        assertThat(json.has("inputTokens")).isFalse();
        assertThat(json.has("outputTokens")).isFalse();
        assertThat(json.has("cacheReadTokens")).isFalse();
        assertThat(json.has("cacheCreationTokens")).isFalse();
        assertThat(json.has("apiErrorStatus")).isFalse();
        assertThat(json.has("summary")).isFalse();
        assertThat(result.getDurationMs()).isEqualTo(123);
        assertThat(result.getModels()).hasSize(8).allSatisfy(m -> assertThat(m).startsWith("model-"));
    }

    @ParameterizedTest
    @MethodSource("awks")
    void costsAreCopiedAsPlainDecimals(Awk awk) throws Exception {
        var cases = Map.of("0.0123", "0.0123", "5e-7", "0.0000005", "1.5E+2", "150", "0", "0",
                "0.00000000000012345", "0", "123456789012", "", "2.50", "2.5");
        for (var c : cases.entrySet()) {
            var run = run(List.of("claude", fake.toString()), bytes("{\"type\":\"result\",\"is_error\":false,"
                    + "\"subtype\":\"success\",\"total_cost_usd\":" + c.getKey() + "}\n"), Map.of(), awk);
            var json = run.json();
            assertThat(json.path("costUSD").asText("")).as("cost %s", c.getKey()).isEqualTo(c.getValue());
        }
    }

    @ParameterizedTest
    @MethodSource("awks")
    void garbageAndCutOffTranscriptsGiveNoResult(Awk awk) throws Exception {
        var random = new Random(7);
        var garbage = new byte[100_000];
        random.nextBytes(garbage);
        var deep = "{\"type\":\"result\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}\n";
        var wide = "{\"type\":\"result\",\"result\":\"wide\",\"x\":[" + "1,".repeat(300_000) + "1]}\n";
        var cutOff = "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"sess-9\",\"model\":\"m1\"}\n"
                + "{\"type\":\"assistant\",\"parent_tool_use_id\":null,\"session_id\":\"sess-9\",\"message\":"
                + "{\"model\":\"m1\",\"content\":[{\"type\":\"text\",\"text\":\"halfway there\"},{\"type\":"
                + "\"tool_use\",\"input\":{\"type\":\"result\",\"result\":\"a nested lie\",\"is_error\":false}}]}}\n"
                + "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"never fini";
        var cutOffBytes = bytes(cutOff);
        for (var output : List.of(garbage, bytes("not json at all\n\n{}\n[]\n\"type\":\"result\"\n"), bytes(deep),
                bytes(wide), cutOffBytes)) {
            var run = run(List.of("claude", fake.toString()), output, Map.of("FAKE_RC", "1"), awk);
            var json = run.json();
            assertThat(json.path("exitCode").asInt()).isEqualTo(1);
            assertThat(json.path("isError").asBoolean()).isTrue();
            assertThat(json.path("stopReason").asText()).isEqualTo("no-result");
            if (output == cutOffBytes) {
                var result = run.result();
                assertThat(result.getSessionId()).isEqualTo("sess-9");
                assertThat(result.getSummary()).isEqualTo("halfway there");
                assertThat(result.getModels()).containsExactly("m1");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("awks")
    void openCodeEventsThatLieAreDropped(Awk awk) throws Exception {
        var output = "{\"type\":\"step_start\",\"timestamp\":1000,\"sessionID\":\"ses_x\",\"part\":{}}\n"
                + "{\"type\":\"step_finish\",\"timestamp\":1500,\"sessionID\":\"ses_x\",\"part\":{\"reason\":"
                + "\"tool-calls\",\"tokens\":{\"input\":\"100\",\"output\":2,\"reasoning\":1,\"cache\":{\"read\":3,"
                + "\"write\":4}},\"cost\":-0.5}}\n"
                + "{\"type\":\"text\",\"timestamp\":1600,\"sessionID\":\"ses_x\",\"part\":{\"text\":\"all \\\"done\\\"\"}}\n"
                + "{\"type\":\"step_finish\",\"timestamp\":2500,\"sessionID\":\"ses_x\",\"part\":{\"reason\":\"stop\","
                + "\"tokens\":{\"input\":10,\"output\":20,\"reasoning\":5,\"cache\":{\"read\":30,\"write\":40}},"
                + "\"cost\":0.25}}\n";
        var run = run(List.of("opencode", fake.toString()), bytes(output), Map.of(), awk);
        var json = run.json();
        var result = run.result();
        assertThat(result.getIsError()).isFalse();
        assertThat(result.getStopReason()).isEqualTo("stop");
        assertThat(result.getTurns()).isEqualTo(2);
        assertThat(result.getSummary()).isEqualTo("all \"done\"");
        assertThat(result.getSessionId()).isEqualTo("ses_x");
        assertThat(result.getDurationMs()).isEqualTo(1500);
        // one step's tokens are not numbers and one cost is negative: the sums would lie, so they are left out
        assertThat(json.has("inputTokens")).isFalse();
        assertThat(json.has("costUSD")).isFalse();

        var error = "{\"type\":\"error\",\"timestamp\":1,\"sessionID\":\"ses_y\",\"error\":{\"name\":\"APIError\","
                + "\"data\":{\"message\":\"quota \\\"exceeded\\\"\",\"statusCode\":99999}}}\n";
        run = run(List.of("opencode", fake.toString()), bytes(error), Map.of("FAKE_RC", "1"), awk);
        json = run.json();
        assertThat(json.path("apiErrorStatus").asLong()).isEqualTo(99999);
        result = run.result();
        // the operator's parser takes only an HTTP status
        assertThat(result.getApiErrorStatus()).isNull();
        assertThat(result.getStopReason()).isEqualTo("error");
        assertThat(result.getSummary()).isEqualTo("quota \"exceeded\"");
    }

    @ParameterizedTest
    @MethodSource("awks")
    void theTokenNeverReachesTheMessage(Awk awk) throws Exception {
        var run = run(List.of("claude", fake.toString()), bytes(claudeResult("\"my token is " + TOKEN + "\"",
                ",\"modelUsage\":{\"" + TOKEN + "\":{}}").replace("sess-1", "s-" + TOKEN)), Map.of(), awk);
        assertThat(run.messageText()).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(0, 12));
        var result = run.result();
        assertThat(result.getSummary()).isEqualTo("(withheld: the summary contained a credential)");
        assertThat(result.getSessionId()).isNull();
        assertThat(result.getModels()).isNull();

        // a variable the operator names, too
        var secret = "another-secret-value-42";
        run = run(List.of("claude", fake.toString()), bytes(claudeResult("\"" + secret + "\"", "")),
                Map.of("MY_KEY", secret, "AGENT_SECRET_ENVS", "OTHER MY_KEY"), awk);
        assertThat(run.messageText()).doesNotContain(secret);
    }
}
