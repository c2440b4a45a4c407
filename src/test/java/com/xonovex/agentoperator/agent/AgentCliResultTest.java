package com.xonovex.agentoperator.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.RunResult;
import com.xonovex.agentoperator.result.AgentResults;
import com.xonovex.agentoperator.support.AgentCliSandbox;
import com.xonovex.agentoperator.support.FakeMessagesApi;
import com.xonovex.agentoperator.support.FakeMessagesApi.Usage;
import com.xonovex.agentoperator.support.TerminationMessages;

/**
 * The real CLIs run through the Job's command (the run-agent wrapper) against the fake Messages API, and what the
 * wrapper reports in the termination message is checked against what the CLI printed and what the fake API
 * answered: tokens (each CLI's way of adding them up), cost as printed, turns, session, models, final text, error and
 * stop reasons; then {@link AgentResults} reads the message. Also: the CLIs' own limits, the wrapper's deadline and a
 * SIGTERM, and final texts that JSON must escape. Needs the CLIs {@link AgentCliHeadlessTest} installs.
 */
class AgentCliResultTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void installClis() throws Exception {
        AgentCliHeadlessTest.installClis();
    }

    @AfterEach
    void cleanUp() throws Exception {
        Collections.reverse(cleanup);
        for (var c : cleanup) {
            c.close();
        }
    }

    /** A sandbox with a prompt and a fake API whose scripted turn writes a file. */
    private record Setup(AgentCliSandbox sandbox, FakeMessagesApi api) {
    }

    private Setup setup(AgentType type) throws Exception {
        var sandbox = new AgentCliSandbox(type, AgentCliHeadlessTest.BINARIES.get(type));
        cleanup.add(sandbox);
        sandbox.prompt("Write the file.\n");
        var api = new FakeMessagesApi(type, sandbox.repo.resolve("out.txt").toString(), "hello\n");
        cleanup.add(api);
        return new Setup(sandbox, api);
    }

    private static String diagnosis(Setup s, AgentCliSandbox.Finished finished) throws Exception {
        return "\n--- stderr:\n" + AgentCliSandbox.tail(finished.stderr()) + "\n--- stdout:\n"
                + AgentCliSandbox.tail(finished.stdout()) + "\n--- message: " + s.sandbox().terminationMessage()
                + "\n--- requests: " + s.api().requests().stream().map(r -> r.uri() + " " + r.status()).toList();
    }

    /** The message, checked for shape and size, and what the operator's parser makes of it. */
    private record Reported(JsonNode json, RunResult result) {
    }

    private static Reported reported(AgentCliSandbox sandbox) throws Exception {
        var json = TerminationMessages.assertValid(sandbox.terminationMessageBytes());
        var result = AgentResults.parse(sandbox.terminationMessage());
        assertThat(result).as("parsed %s", json).isPresent();
        return new Reported(json, result.get());
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void aRunsResultReachesTheTerminationMessageAsTheCliReportedIt(AgentType type) throws Exception {
        var s = setup(type);
        var finished = s.sandbox().run(AgentAdapter.forType(type).command(), s.api().baseUrl(), Map.of(),
                RUN_TIMEOUT);
        var diagnosis = diagnosis(s, finished);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isZero();

        // the transcript is the CLI's output, line for line
        assertThat(Files.readString(s.sandbox().transcript, StandardCharsets.UTF_8)).isEqualTo(finished.stdout());
        var events = s.sandbox().transcriptEvents();
        var reported = reported(s.sandbox());
        var json = reported.json();
        var result = reported.result();
        assertThat(json.path("agent").asText()).isEqualTo(type.value());
        assertThat(json.path("exitCode").asInt()).isZero();
        assertThat(result.getIsError()).as("isError%s", diagnosis).isFalse();
        assertThat(result.getSummary()).isEqualTo(FakeMessagesApi.FINAL_TEXT);
        assertThat(result.getSummaryTruncated()).isFalse();

        // the agent's turns are the requests that offered tools (OpenCode also asks for a title, without tools)
        var turns = s.api().requests().stream().filter(r -> r.hasTools() && r.usage() != null).toList();
        assertThat(turns).as("model calls of the agent%s", diagnosis).hasSize(2);
        var sum = new Usage(turns.stream().mapToInt(r -> r.usage().input()).sum(),
                turns.stream().mapToInt(r -> r.usage().output()).sum(),
                turns.stream().mapToInt(r -> r.usage().cacheRead()).sum(),
                turns.stream().mapToInt(r -> r.usage().cacheCreation()).sum());
        // both CLIs add up each call's final usage (message_delta's output_tokens replaces message_start's), input
        // without the cached part, as the API reports it
        assertThat(result.getInputTokens()).as("input tokens of %s", turns).isEqualTo(sum.input());
        assertThat(result.getOutputTokens()).isEqualTo(sum.output());
        assertThat(result.getCacheReadTokens()).isEqualTo(sum.cacheRead());
        assertThat(result.getCacheCreationTokens()).isEqualTo(sum.cacheCreation());
        assertThat(new BigDecimal(result.getCostUSD())).as("cost").isPositive();

        if (type == AgentType.CLAUDE) {
            var last = events.get(events.size() - 1);
            assertThat(last.path("type").asText()).isEqualTo("result");
            assertThat(result.getStopReason()).isEqualTo("success");
            // cost as printed: the same decimal, not a float that went through formatting
            assertThat(last.path("total_cost_usd").isBigDecimal()).isTrue();
            assertThat(result.getCostUSD()).isEqualTo(last.path("total_cost_usd").decimalValue().toPlainString());
            assertThat(result.getTurns()).isEqualTo(last.path("num_turns").asInt()).isEqualTo(2);
            assertThat(result.getSessionId()).isEqualTo(last.path("session_id").asText()).isNotBlank();
            assertThat(result.getDurationMs()).isEqualTo(last.path("duration_ms").asLong());
            var requested = turns.stream().map(r -> r.json().path("model").asText()).distinct().toList();
            assertThat(result.getModels()).isEqualTo(requested);
            assertThat(result.getApiErrorStatus()).isNull();
        } else {
            var steps = events.stream().filter(e -> e.path("type").asText().equals("step_finish")).toList();
            assertThat(result.getStopReason()).isEqualTo(steps.get(steps.size() - 1).at("/part/reason").asText())
                    .isEqualTo("stop");
            assertThat(result.getTurns()).isEqualTo(steps.size()).isEqualTo(2);
            var cost = steps.stream().map(e -> e.at("/part/cost").decimalValue()).reduce(BigDecimal.ZERO,
                    BigDecimal::add);
            assertThat(new BigDecimal(result.getCostUSD()).subtract(cost).abs())
                    .as("cost %s against the steps' sum %s", result.getCostUSD(), cost)
                    .isLessThan(new BigDecimal("1e-12"));
            assertThat(result.getSessionId()).isEqualTo(events.get(0).path("sessionID").asText()).isNotBlank();
            assertThat(result.getDurationMs()).isEqualTo(events.get(events.size() - 1).path("timestamp").asLong()
                    - events.get(0).path("timestamp").asLong());
            // OpenCode's events name no model
            assertThat(result.getModels()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void anApiThatRejectsTheTokenGivesAnErrorResultWithItsStatus(AgentType type) throws Exception {
        var s = setup(type);
        s.api().failWith(401);
        // Claude Code retries a 401 for about 2 minutes by default
        var finished = s.sandbox().run(AgentAdapter.forType(type).command(), s.api().baseUrl(),
                Map.of("CLAUDE_CODE_MAX_RETRIES", "0"), RUN_TIMEOUT);
        var diagnosis = diagnosis(s, finished);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isPositive();
        var reported = reported(s.sandbox());
        assertThat(reported.json().path("exitCode").asInt()).isEqualTo(finished.exit());
        var result = reported.result();
        assertThat(result.getIsError()).isTrue();
        assertThat(result.getApiErrorStatus()).as("apiErrorStatus%s", diagnosis).isEqualTo(401);
        assertThat(result.getStopReason()).isEqualTo(type == AgentType.CLAUDE ? "api_error" : "error");
        assertThat(result.getSummary()).contains("fake API answering 401");
        assertThat(s.sandbox().terminationMessage()).doesNotContain(s.sandbox().token);
    }

    @Test
    void claudeStopsAtMaxTurnsAndSaysSo() throws Exception {
        var s = setup(AgentType.CLAUDE);
        var command = AgentAdapter.forType(AgentType.CLAUDE).command(new Limits(1, null));
        assertThat(command).containsSubsequence("--max-turns", "1");
        var finished = s.sandbox().run(command, s.api().baseUrl(), Map.of(), RUN_TIMEOUT);
        var diagnosis = diagnosis(s, finished);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isEqualTo(1);
        var result = reported(s.sandbox()).result();
        assertThat(result.getStopReason()).isEqualTo("error_max_turns");
        assertThat(result.getIsError()).isTrue();
        // the second turn (the final text) never came
        assertThat(s.api().toolResults()).isZero();
        var last = s.sandbox().transcriptEvents().get(s.sandbox().transcriptEvents().size() - 1);
        assertThat(result.getSummary()).isEqualTo(last.path("errors").path(0).asText()).contains("maximum");
    }

    @Test
    void claudeStopsAtMaxBudgetAndSaysSo() throws Exception {
        var s = setup(AgentType.CLAUDE);
        var command = AgentAdapter.forType(AgentType.CLAUDE).command(new Limits(null, "0.000001"));
        assertThat(command).containsSubsequence("--max-budget-usd", "0.000001");
        var finished = s.sandbox().run(command, s.api().baseUrl(), Map.of(), RUN_TIMEOUT);
        var diagnosis = diagnosis(s, finished);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isEqualTo(1);
        var result = reported(s.sandbox()).result();
        assertThat(result.getStopReason()).as("stopReason%s", diagnosis).isEqualTo("error_max_budget_usd");
        assertThat(result.getIsError()).isTrue();
        assertThat(new BigDecimal(result.getCostUSD())).isGreaterThan(new BigDecimal("0.000001"));
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void theDeadlineStopsTheCliAndTheMessageSaysTimeout(AgentType type) throws Exception {
        var s = setup(type);
        s.api().delay(Duration.ofSeconds(90));
        var finished = s.sandbox().run(AgentAdapter.forType(type).command(), s.api().baseUrl(),
                Map.of("AGENT_DEADLINE_SECONDS", "4"), RUN_TIMEOUT);
        var diagnosis = diagnosis(s, finished);
        // TERM at 4 s, KILL 10 s later at the latest; far below the fake API's delay
        assertThat(finished.millis()).as("ran for%s", diagnosis).isBetween(4_000L, 30_000L);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isIn(124, 137);
        var reported = reported(s.sandbox());
        assertThat(reported.json().path("exitCode").asInt()).isEqualTo(finished.exit());
        assertThat(reported.result().getStopReason()).isEqualTo("timeout");
        assertThat(reported.result().getIsError()).isTrue();
        assertThat(finished.stderr()).contains("run-agent: the agent did not finish within 4 seconds");
    }

    @ParameterizedTest
    @EnumSource(AgentType.class)
    void sigtermStopsTheCliAndTheMessageIsStillWritten(AgentType type) throws Exception {
        var s = setup(type);
        s.api().delay(Duration.ofSeconds(90));
        long start = System.nanoTime();
        var process = s.sandbox().start(AgentAdapter.forType(type).command(), s.api().baseUrl(), Map.of());
        // the CLI is waiting for the model when the pod is deleted
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (s.api().received() == 0 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(s.api().received()).as("a request reached the fake API").isPositive();
        var started = process.descendants().toList();
        assertThat(started).as("the CLI runs under the wrapper").isNotEmpty();
        var timeout = started.stream().filter(p -> describe(p).contains(" timeout ")).findFirst().orElseThrow();
        long signalled = System.nanoTime();
        process.destroy(); // SIGTERM to the wrapper, as the kubelet sends it to PID 1
        var finished = s.sandbox().finish(process, Duration.ofSeconds(30), start);
        var diagnosis = diagnosis(s, finished);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isPositive();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)).as("stopped within the grace")
                .isLessThan(15_000L);
        // the CLI and everything it started in its process group (which timeout made) have ended; in a pod, the
        // container's end also stops what left the group
        Thread.sleep(500);
        for (var p : started) {
            if (p.isAlive()) {
                System.err.println("left running after the wrapper ended: " + describe(p));
                assertThat(group(p)).as("%s still runs", describe(p)).isNotEqualTo(timeout.pid());
            }
        }
        var reported = reported(s.sandbox());
        assertThat(reported.result().getStopReason()).isEqualTo("terminated");
        assertThat(reported.result().getIsError()).isTrue();
        assertThat(reported.json().path("exitCode").asInt()).isEqualTo(finished.exit());
    }

    /** The process group of a process, from /proc (-1 when it is gone). */
    private static long group(ProcessHandle p) {
        try {
            var stat = Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
        } catch (Exception e) {
            return -1;
        }
    }

    private static String describe(ProcessHandle p) {
        try {
            return p.pid() + " " + Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/cmdline"))
                    .replace('\0', ' ') + " (process group " + group(p) + ")";
        } catch (Exception e) {
            return p.pid() + " (gone)";
        }
    }

    /** Final texts JSON must escape: quotes, backslashes, control characters, non-ASCII; and one of 100 KB. */
    static Stream<Arguments> hostileTexts() {
        var nasty = "He said \"done\" \\ C:\\path\\ \t tab\r\n new line \u0001\u001b[31m red \u007f ü → ✓ 😀 "
                + "\\u0022 not an escape \"},{\"type\":\"result\",\"is_error\":false}";
        var big = new StringBuilder();
        for (int i = 0; big.length() < 100 * 1024; i++) {
            big.append("line ").append(i).append(": \"quoted\" \\ back ü ✓ 😀\n");
        }
        return Stream.of(AgentType.values()).flatMap(t -> Stream.of(Arguments.of(t, nasty), Arguments.of(t,
                big.toString())));
    }

    @ParameterizedTest
    @MethodSource("hostileTexts")
    void aFinalTextThatNeedsEscapingStaysValidJsonAndIsCutAtACharacter(AgentType type, String text)
            throws Exception {
        var s = setup(type);
        s.api().finalText(text);
        var finished = s.sandbox().run(AgentAdapter.forType(type).command(), s.api().baseUrl(), Map.of(),
                RUN_TIMEOUT);
        var diagnosis = diagnosis(s, finished);
        assertThat(finished.exit()).as("exit code%s", diagnosis).isZero();
        var result = reported(s.sandbox()).result();
        assertThat(result.getIsError()).isFalse();
        // what the CLI printed as the final text (OpenCode may trim it)
        var events = s.sandbox().transcriptEvents();
        var printed = type == AgentType.CLAUDE ? events.get(events.size() - 1).path("result").asText()
                : events.stream().filter(e -> e.path("type").asText().equals("text")).reduce((a, b) -> b)
                        .orElseThrow().at("/part/text").asText();
        if (text.length() < 1000) {
            assertThat(result.getSummary()).isEqualTo(printed);
            assertThat(result.getSummaryTruncated()).isFalse();
        } else {
            assertThat(result.getSummaryTruncated()).isTrue();
            assertThat(result.getSummary().length()).isBetween(500, AgentResults.MAX_SUMMARY);
            assertThat(printed).startsWith(result.getSummary());
        }
    }
}
