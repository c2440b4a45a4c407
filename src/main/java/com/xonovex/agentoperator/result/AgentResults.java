package com.xonovex.agentoperator.result;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.api.RunResult;

/**
 * Reads the agent container's termination message (one JSON object written by run-agent.sh) into a
 * {@link RunResult}. The agent container is untrusted: the message may be anything the agent wrote there. So this
 * never throws, takes only the keys it knows with the type it expects, and bounds every value: a value out of
 * bounds is dropped (a string that is only too long is cut, with the summary marked truncated). Pure: no I/O.
 */
public final class AgentResults {
    /** The kubelet keeps at most 4096 bytes of termination messages per pod; more than that is not ours. */
    static final int MAX_MESSAGE = 4096;
    public static final int MAX_SUMMARY = 2000;
    public static final int MAX_ID = 128;
    public static final int MAX_MODELS = 8;
    public static final Pattern COST = Pattern.compile("^[0-9]{1,9}(\\.[0-9]{1,12})?$");

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(MAX_MESSAGE)
                    .maxStringLength(MAX_MESSAGE).build())
            .build());

    private AgentResults() {
    }

    /** The CLI's exit code as the message reports it (the container may have exited 0 to let publish run). */
    public static Optional<Integer> exitCode(String message) {
        if (message == null || message.isBlank() || message.length() > MAX_MESSAGE) {
            return Optional.empty();
        }
        try {
            var node = JSON.readTree(message).path("exitCode");
            return node.canConvertToInt() && node.asInt() >= 0 && node.asInt() < 512 ? Optional.of(node.asInt())
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The result in {@code message}; empty when there is none: no message, not a JSON object, or an object without
     * any of the result's keys.
     */
    public static Optional<RunResult> parse(String message) {
        if (message == null || message.isBlank() || message.length() > MAX_MESSAGE) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(message);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        var result = new RunResult();
        boolean any = false;

        var summary = text(root, "summary");
        if (summary != null) {
            boolean cut = summary.length() > MAX_SUMMARY;
            result.setSummary(cut ? cutAt(summary, MAX_SUMMARY) : summary);
            result.setSummaryTruncated(cut || bool(root, "summaryTruncated") == Boolean.TRUE);
            any = true;
        }
        var cost = text(root, "costUSD");
        if (cost != null && COST.matcher(cost).matches()) {
            result.setCostUSD(cost);
            any = true;
        }
        result.setInputTokens(count(root, "inputTokens"));
        result.setOutputTokens(count(root, "outputTokens"));
        result.setCacheReadTokens(count(root, "cacheReadTokens"));
        result.setCacheCreationTokens(count(root, "cacheCreationTokens"));
        result.setDurationMs(count(root, "durationMs"));
        var turns = count(root, "turns");
        result.setTurns(turns != null && turns <= Integer.MAX_VALUE ? turns.intValue() : null);
        var status = count(root, "apiErrorStatus");
        result.setApiErrorStatus(status != null && status >= 100 && status <= 599 ? status.intValue() : null);
        result.setSessionId(id(root, "sessionId"));
        result.setStopReason(id(root, "stopReason"));
        result.setIsError(bool(root, "isError"));
        result.setModels(models(root.get("models")));
        any |= result.getInputTokens() != null || result.getOutputTokens() != null
                || result.getCacheReadTokens() != null || result.getCacheCreationTokens() != null
                || result.getDurationMs() != null || result.getTurns() != null || result.getApiErrorStatus() != null
                || result.getSessionId() != null || result.getStopReason() != null || result.getIsError() != null
                || result.getModels() != null;
        return any ? Optional.of(result) : Optional.empty();
    }

    /** A string value with unpaired surrogates replaced (Jackson would refuse to write them back), else null. */
    private static String text(JsonNode root, String key) {
        var node = root.get(key);
        return node != null && node.isTextual() ? wellFormed(node.textValue()) : null;
    }

    /** A short identifier: non-blank, at most {@link #MAX_ID} characters, else null (a cut identifier is wrong). */
    private static String id(JsonNode root, String key) {
        var value = text(root, key);
        return value != null && !value.isBlank() && value.length() <= MAX_ID ? value : null;
    }

    private static Boolean bool(JsonNode root, String key) {
        var node = root.get(key);
        return node != null && node.isBoolean() ? node.booleanValue() : null;
    }

    /** A whole number from 0 to Long.MAX_VALUE, else null (fractions, negatives, strings and overflows too). */
    private static Long count(JsonNode root, String key) {
        var node = root.get(key);
        if (node == null || !node.isIntegralNumber()) {
            return null;
        }
        BigInteger value = node.bigIntegerValue();
        return value.signum() >= 0 && value.bitLength() < 64 ? value.longValue() : null;
    }

    private static List<String> models(JsonNode node) {
        if (node == null || !node.isArray()) {
            return null;
        }
        var models = new LinkedHashSet<String>();
        for (var item : node) {
            if (models.size() == MAX_MODELS) {
                break;
            }
            if (item.isTextual()) {
                var name = wellFormed(item.textValue());
                if (!name.isBlank() && name.length() <= MAX_ID) {
                    models.add(name);
                }
            }
        }
        return models.isEmpty() ? null : List.copyOf(models);
    }

    /** The first {@code max} characters, one fewer when that would split a surrogate pair. */
    static String cutAt(String s, int max) {
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--;
        }
        return s.substring(0, end);
    }

    static String wellFormed(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
