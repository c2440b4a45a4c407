package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What the agent CLI reported about its run: final text, cost, tokens, turns, session, models, duration and why it
 * stopped. The agent container's wrapper reads it from the CLI's output and hands it over as the container's
 * termination message; {@code com.xonovex.agentoperator.result.AgentResults} parses and bounds it. Every field is
 * optional: a CLI that was cut off, or printed nothing parseable, reports less.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunResult {
    static final String TRUST = " Reported by the agent container, so as trustworthy as the agent itself.";

    @JsonPropertyDescription("""
            The agent's final text: Claude Code's result (or its first error when it stopped with an error), \
            OpenCode's last text part (or its error message). At most 2000 characters; cut shorter when the \
            whole result would not fit the 3 KiB termination message (summaryTruncated is then true). The full \
            output is in the workspace at .agent-operator/transcript.jsonl.""" + TRUST)
    @Size(max = 2000)
    private String summary;

    @JsonPropertyDescription("True when summary was cut short; the transcript in the workspace has the whole text.")
    private Boolean summaryTruncated;

    @JsonPropertyDescription("""
            Cost of the run's API calls in US dollars, as the CLI priced them with its own price list (not an \
            invoice; a proxy or another provider may bill differently), as a decimal string such as 0.0123. \
            Claude Code: total_cost_usd; OpenCode: the sum over its steps.""" + TRUST)
    @Pattern("^[0-9]{1,9}(\\.[0-9]{1,12})?$")
    private String costUSD;

    @JsonPropertyDescription("""
            Input tokens not read from or written to the prompt cache, summed over the run's model calls.""" + TRUST)
    @Min(0)
    private Long inputTokens;

    @JsonPropertyDescription("""
            Output tokens, summed over the run's model calls (OpenCode's reasoning tokens included, as the API \
            counts them).""" + TRUST)
    @Min(0)
    private Long outputTokens;

    @JsonPropertyDescription("Input tokens read from the prompt cache, summed over the run's model calls." + TRUST)
    @Min(0)
    private Long cacheReadTokens;

    @JsonPropertyDescription("Input tokens written to the prompt cache, summed over the run's model calls." + TRUST)
    @Min(0)
    private Long cacheCreationTokens;

    @JsonPropertyDescription("""
            Agentic turns: Claude Code's num_turns, OpenCode's number of steps (model calls).""" + TRUST)
    @Min(0)
    private Integer turns;

    @JsonPropertyDescription("""
            The CLI's session id, at most 128 characters; in the transcript it names the session to resume or \
            inspect.""" + TRUST)
    @Size(max = 128)
    private String sessionId;

    @JsonPropertyDescription("""
            Models the run used, at most 8 names of at most 128 characters: the models Claude Code priced. \
            OpenCode's output names none.""" + TRUST)
    @Size(max = 8)
    @ValidationRule(value = "self.all(m, size(m) <= 128)", message = "a model name has at most 128 characters")
    private List<String> models;

    @JsonPropertyDescription("""
            How long the agent worked, in milliseconds: Claude Code's duration_ms; for OpenCode the time from \
            its first to its last event.""" + TRUST)
    @Min(0)
    private Long durationMs;

    @JsonPropertyDescription("""
            True when the run did not end well: the CLI reported an error (Claude Code's is_error, an OpenCode \
            error event), exited non-zero, reported nothing, or was stopped by the deadline or a signal.""" + TRUST)
    @JsonProperty("isError")
    private Boolean isError;

    @JsonPropertyDescription("""
            Why the agent stopped, at most 128 characters. Claude Code: its result subtype (success, \
            error_max_turns, error_max_budget_usd, error_during_execution, ...), or its terminal reason (such as \
            api_error) when it failed with subtype success; OpenCode: the last step's finish reason (stop, \
            length, ...) or error. Set by the wrapper: timeout (the run's deadline passed), terminated (the pod \
            was stopped), no-result (the output held no result).""" + TRUST)
    @Size(max = 128)
    private String stopReason;

    @JsonPropertyDescription("""
            HTTP status of the model API's error response that ended the run, such as 401 for a rejected \
            token.""" + TRUST)
    @Min(100)
    @Max(599)
    private Integer apiErrorStatus;

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public Boolean getSummaryTruncated() {
        return summaryTruncated;
    }

    public void setSummaryTruncated(Boolean summaryTruncated) {
        this.summaryTruncated = summaryTruncated;
    }

    public String getCostUSD() {
        return costUSD;
    }

    public void setCostUSD(String costUSD) {
        this.costUSD = costUSD;
    }

    public Long getInputTokens() {
        return inputTokens;
    }

    public void setInputTokens(Long inputTokens) {
        this.inputTokens = inputTokens;
    }

    public Long getOutputTokens() {
        return outputTokens;
    }

    public void setOutputTokens(Long outputTokens) {
        this.outputTokens = outputTokens;
    }

    public Long getCacheReadTokens() {
        return cacheReadTokens;
    }

    public void setCacheReadTokens(Long cacheReadTokens) {
        this.cacheReadTokens = cacheReadTokens;
    }

    public Long getCacheCreationTokens() {
        return cacheCreationTokens;
    }

    public void setCacheCreationTokens(Long cacheCreationTokens) {
        this.cacheCreationTokens = cacheCreationTokens;
    }

    public Integer getTurns() {
        return turns;
    }

    public void setTurns(Integer turns) {
        this.turns = turns;
    }

    public String getSessionId() {
        return sessionId;
    }

    public void setSessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    public List<String> getModels() {
        return models;
    }

    public void setModels(List<String> models) {
        this.models = models;
    }

    public Long getDurationMs() {
        return durationMs;
    }

    public void setDurationMs(Long durationMs) {
        this.durationMs = durationMs;
    }

    @JsonProperty("isError")
    public Boolean getIsError() {
        return isError;
    }

    @JsonProperty("isError")
    public void setIsError(Boolean isError) {
        this.isError = isError;
    }

    public String getStopReason() {
        return stopReason;
    }

    public void setStopReason(String stopReason) {
        this.stopReason = stopReason;
    }

    public Integer getApiErrorStatus() {
        return apiErrorStatus;
    }

    public void setApiErrorStatus(Integer apiErrorStatus) {
        this.apiErrorStatus = apiErrorStatus;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RunResult other)) {
            return false;
        }
        return Objects.equals(summary, other.summary) && Objects.equals(summaryTruncated, other.summaryTruncated)
                && Objects.equals(costUSD, other.costUSD) && Objects.equals(inputTokens, other.inputTokens)
                && Objects.equals(outputTokens, other.outputTokens)
                && Objects.equals(cacheReadTokens, other.cacheReadTokens)
                && Objects.equals(cacheCreationTokens, other.cacheCreationTokens) && Objects.equals(turns, other.turns)
                && Objects.equals(sessionId, other.sessionId) && Objects.equals(models, other.models)
                && Objects.equals(durationMs, other.durationMs) && Objects.equals(isError, other.isError)
                && Objects.equals(stopReason, other.stopReason) && Objects.equals(apiErrorStatus, other.apiErrorStatus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(summary, summaryTruncated, costUSD, inputTokens, outputTokens, cacheReadTokens,
                cacheCreationTokens, turns, sessionId, models, durationMs, isError, stopReason, apiErrorStatus);
    }

    @Override
    public String toString() {
        return "RunResult{isError=" + isError + ", stopReason=" + stopReason + ", turns=" + turns + ", costUSD="
                + costUSD + ", inputTokens=" + inputTokens + ", outputTokens=" + outputTokens + ", sessionId="
                + sessionId + ", models=" + models + ", summaryTruncated=" + summaryTruncated + "}";
    }
}
