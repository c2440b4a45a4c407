package com.xonovex.agentoperator.result;

import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xonovex.agentoperator.api.OutputStatus;

/**
 * Reads the publish container's termination message (one line of JSON, see publish.sh) into status.output. The
 * publish container holds credentials but reads what the agent wrote, so its message is bounded and checked here
 * like any untrusted input: known outcomes only, short strings, plausible numbers.
 */
public final class PublishResults {
    public static final Set<String> OUTCOMES = Set.of("Pushed", "NoChanges", "Refused", "Failed", "PullRequestFailed");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TEXT = 256;

    private PublishResults() {
    }

    public static Optional<OutputStatus> parse(String terminationMessage) {
        if (terminationMessage == null || terminationMessage.isBlank() || terminationMessage.length() > 4096) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = JSON.readTree(terminationMessage.strip());
        } catch (Exception e) {
            return Optional.empty();
        }
        if (json == null || !json.isObject() || !OUTCOMES.contains(json.path("outcome").asText())) {
            return Optional.empty();
        }
        var status = new OutputStatus();
        status.setOutcome(json.path("outcome").asText());
        status.setRule(text(json, "rule", "^[A-Za-z]{1,64}$"));
        status.setMessage(text(json, "message", null));
        status.setBranch(text(json, "branch", "^[A-Za-z0-9._/+-]{1,255}$"));
        status.setCommit(text(json, "commit", "^[0-9a-f]{40,64}$"));
        status.setBaseCommit(text(json, "baseCommit", "^[0-9a-f]{40,64}$"));
        status.setChangedFiles(count(json, "changedFiles"));
        status.setChangedBytes(count(json, "changedBytes"));
        status.setPullRequestURL(text(json, "pullRequestURL", "^https://[^\\s\"<>]{1,250}$"));
        return Optional.of(status);
    }

    private static String text(JsonNode json, String field, String pattern) {
        var node = json.path(field);
        if (!node.isTextual() || node.asText().isEmpty()) {
            return null;
        }
        var value = node.asText();
        if (pattern != null) {
            return value.matches(pattern) ? value : null;
        }
        return value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT);
    }

    private static Long count(JsonNode json, String field) {
        var node = json.path(field);
        return node.canConvertToLong() && node.asLong() >= 0 ? node.asLong() : null;
    }
}
