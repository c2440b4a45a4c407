package com.xonovex.agentoperator.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.api.RunResult;

/**
 * The operator's reading of the agent container's termination message. The message comes from the untrusted agent
 * container, so these are messages a hostile agent could write; what run-agent.sh writes for the real CLIs is
 * parsed in AgentCliResultTest.
 */
class AgentResultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCompleteMessageIsReadWhole() {
        var result = AgentResults.parse("""
                {"agent":"claude","exitCode":0,"isError":false,"stopReason":"success","summary":"Done.",\
                "summaryTruncated":false,"costUSD":"0.0123","inputTokens":1,"outputTokens":2,"cacheReadTokens":3,\
                "cacheCreationTokens":4,"turns":5,"sessionId":"s-1","models":["claude-sonnet-4-5"],\
                "durationMs":1234,"apiErrorStatus":401}
                """).orElseThrow();
        assertThat(result.getIsError()).isFalse();
        assertThat(result.getStopReason()).isEqualTo("success");
        assertThat(result.getSummary()).isEqualTo("Done.");
        assertThat(result.getSummaryTruncated()).isFalse();
        assertThat(result.getCostUSD()).isEqualTo("0.0123");
        assertThat(result.getInputTokens()).isEqualTo(1);
        assertThat(result.getOutputTokens()).isEqualTo(2);
        assertThat(result.getCacheReadTokens()).isEqualTo(3);
        assertThat(result.getCacheCreationTokens()).isEqualTo(4);
        assertThat(result.getTurns()).isEqualTo(5);
        assertThat(result.getSessionId()).isEqualTo("s-1");
        assertThat(result.getModels()).containsExactly("claude-sonnet-4-5");
        assertThat(result.getDurationMs()).isEqualTo(1234);
        assertThat(result.getApiErrorStatus()).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "[]", "\"text\"", "42", "{", "{\"agent\":\"claude\"}",
        "{\"unknown\":1}", "not json", "\u0000\u0001"})
    void whatIsNoResultGivesNone(String message) {
        assertThat(AgentResults.parse(message)).as(message).isEmpty();
    }

    @Test
    void nullAndOversizedMessagesGiveNone() {
        assertThat(AgentResults.parse(null)).isEmpty();
        assertThat(AgentResults.parse("{\"summary\":\"" + "x".repeat(5000) + "\"}")).isEmpty();
        var deep = "{\"isError\":true,\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
        assertThat(AgentResults.parse(deep)).isEmpty();
    }

    @Test
    void numbersOutOfBoundsOrOfTheWrongTypeAreDropped() {
        var result = AgentResults.parse("""
                {"isError":"false","stopReason":7,"inputTokens":-1,"outputTokens":1.5,"cacheReadTokens":"3",\
                "cacheCreationTokens":99999999999999999999999,"turns":9999999999,"durationMs":1e3,\
                "apiErrorStatus":99,"sessionId":["s"],"summaryTruncated":"yes","models":"m"}
                """);
        // nothing of it is well-formed
        assertThat(result).isEmpty();

        result = AgentResults.parse("{\"turns\":2147483647,\"durationMs\":9223372036854775807,"
                + "\"apiErrorStatus\":600,\"inputTokens\":0}");
        assertThat(result).isPresent();
        assertThat(result.get().getTurns()).isEqualTo(Integer.MAX_VALUE);
        assertThat(result.get().getDurationMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(result.get().getApiErrorStatus()).isNull();
        assertThat(result.get().getInputTokens()).isZero();
        assertThat(AgentResults.parse("{\"durationMs\":9223372036854775808}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1e-5", "0.1234567890123", "1234567890", ".5", "5.", "1,5", " 1", "NaN", "0x10",
        "1\n"})
    void aCostThatIsNotAPlainDecimalIsDropped(String cost) throws Exception {
        var message = JSON.createObjectNode().put("isError", false).put("costUSD", cost).toString();
        assertThat(AgentResults.parse(message).orElseThrow().getCostUSD()).as(cost).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.5", "123456789.123456789012", "0.000001"})
    void aPlainDecimalCostIsKeptAsWritten(String cost) {
        var message = JSON.createObjectNode().put("costUSD", cost).toString();
        assertThat(AgentResults.parse(message).orElseThrow().getCostUSD()).isEqualTo(cost);
    }

    @Test
    void stringsAreBounded() {
        var message = JSON.createObjectNode();
        message.put("summary", "é".repeat(1500) + "😀".repeat(400)); // 2300 chars
        message.put("summaryTruncated", false);
        message.put("sessionId", "s".repeat(129));
        message.put("stopReason", "r".repeat(128));
        var models = message.putArray("models");
        models.add("m".repeat(129));
        for (int i = 0; i < 12; i++) {
            models.add("model-" + (i % 10));
        }
        models.add(7);
        models.add(" ");
        var result = AgentResults.parse(message.toString()).orElseThrow();
        assertThat(result.getSummary()).hasSizeLessThanOrEqualTo(AgentResults.MAX_SUMMARY);
        assertThat(result.getSummary()).startsWith("é".repeat(1500)).endsWith("😀");
        assertThat(result.getSummaryTruncated()).isTrue();
        assertThat(result.getSessionId()).isNull();
        assertThat(result.getStopReason()).hasSize(128);
        assertThat(result.getModels()).hasSize(8).doesNotHaveDuplicates()
                .allSatisfy(m -> assertThat(m).startsWith("model-"));
    }

    @Test
    void aCutNeverSplitsASurrogatePairAndUnpairedSurrogatesAreReplaced() throws Exception {
        var summary = "x".repeat(AgentResults.MAX_SUMMARY - 1) + "😀tail";
        var result = AgentResults.parse(JSON.createObjectNode().put("summary", summary).toString()).orElseThrow();
        assertThat(result.getSummary()).isEqualTo("x".repeat(AgentResults.MAX_SUMMARY - 1));

        result = AgentResults.parse("{\"summary\":\"a\\ud800b\\udc00c\\ud83d\\ude00\",\"sessionId\":\"\\udfff\"}")
                .orElseThrow();
        assertThat(result.getSummary()).isEqualTo("a\uFFFDb\uFFFDc😀");
        assertThat(result.getSessionId()).isEqualTo("\uFFFD");
        // and the result can be written back (Jackson refuses unpaired surrogates)
        assertThat(JSON.writeValueAsString(result)).contains("a\uFFFDb");
    }

    @Test
    void theSummaryIsMarkedTruncatedWhenTheWrapperCutIt() {
        var result = AgentResults.parse("{\"summary\":\"short\",\"summaryTruncated\":true}").orElseThrow();
        assertThat(result.getSummaryTruncated()).isTrue();
        result = AgentResults.parse("{\"summary\":\"short\"}").orElseThrow();
        assertThat(result.getSummaryTruncated()).isFalse();
    }

    @Test
    void duplicateKeysTakeTheLastAndUnknownKeysAreIgnored() {
        var result = AgentResults.parse("{\"turns\":1,\"turns\":2,\"extra\":{\"deep\":[1,2,3]},\"isError\":true}")
                .orElseThrow();
        assertThat(result.getTurns()).isEqualTo(2);
        assertThat(result.getIsError()).isTrue();
    }

    @Test
    void theStatusValueSerializesWithTheKeysOfTheMessage() throws Exception {
        var result = new RunResult();
        result.setIsError(true);
        result.setCostUSD("0.5");
        result.setModels(List.of("m"));
        var json = JSON.readTree(JSON.writeValueAsString(result));
        assertThat(json.has("isError")).isTrue();
        assertThat(json.has("error")).isFalse();
        assertThat(json.size()).as("nulls left out: %s", json).isEqualTo(3);
        assertThat(JSON.readValue(json.toString(), RunResult.class)).isEqualTo(result)
                .hasSameHashCodeAs(result);
        assertThat(AgentResults.parse(json.toString())).contains(result);
    }
}
