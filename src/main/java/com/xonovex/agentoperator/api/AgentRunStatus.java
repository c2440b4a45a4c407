package com.xonovex.agentoperator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator observed of a run: its phase, the objects it made for it, and why. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentRunStatus extends ObservedStatus {
    @JsonPropertyDescription("""
            Where the run is: Pending (waiting for a provider, Secret or setting, or for its pod), Initializing \
            (git-clone runs), Running (the agent runs), then one of Succeeded, Failed, TimedOut. A phase only \
            moves forward, and a terminal phase never changes again.""")
    private Phase phase;

    @JsonPropertyDescription("The agent the run uses: spec.agent, or the AgentConfig's defaultAgent.")
    private AgentType agent;

    @JsonPropertyDescription("The provider the run uses: the AgentProvider's name, or the inline provider's name.")
    private String provider;

    @JsonPropertyDescription("Name of the run's Job; kubectl logs job/<jobName> -c agent shows the agent's output.")
    private String jobName;

    @JsonPropertyDescription("Name of the Job's pod, once it exists.")
    private String podName;

    @JsonPropertyDescription("Name of the run's workspace PersistentVolumeClaim, which holds the clone and the agent's work.")
    private String workspaceClaimName;

    @JsonPropertyDescription("Name of the ConfigMap holding the run's prompt.")
    private String promptConfigMapName;

    @JsonPropertyDescription("When the Job started (RFC 3339).")
    private String startTime;

    @JsonPropertyDescription("When the run reached a terminal phase (RFC 3339).")
    private String completionTime;

    @JsonPropertyDescription("""
            Exit code of the container that decided the outcome: 0 on success, the failing container's code on \
            failure; unset while running and when no container exited.""")
    private Integer exitCode;

    @JsonPropertyDescription("A human-readable sentence on the current phase: what the run waits for, or why it ended.")
    private String message;

    @JsonPropertyDescription("What the publish step did with the work, when the run has an output: outcome, branch, commit, pull request.")
    private OutputStatus output;

    @JsonPropertyDescription("""
            What the agent reported when it ended: its final text, cost, tokens, turns, session and stop reason. \
            Written by the agent container (its termination message), so as trustworthy as the agent.""")
    private RunResult result;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public AgentType getAgent() {
        return agent;
    }

    public void setAgent(AgentType agent) {
        this.agent = agent;
    }

    public String getProvider() {
        return provider;
    }

    public void setProvider(String provider) {
        this.provider = provider;
    }

    public OutputStatus getOutput() {
        return output;
    }

    public void setOutput(OutputStatus output) {
        this.output = output;
    }

    public RunResult getResult() {
        return result;
    }

    public void setResult(RunResult result) {
        this.result = result;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getPodName() {
        return podName;
    }

    public void setPodName(String podName) {
        this.podName = podName;
    }

    public String getWorkspaceClaimName() {
        return workspaceClaimName;
    }

    public void setWorkspaceClaimName(String workspaceClaimName) {
        this.workspaceClaimName = workspaceClaimName;
    }

    public String getPromptConfigMapName() {
        return promptConfigMapName;
    }

    public void setPromptConfigMapName(String promptConfigMapName) {
        this.promptConfigMapName = promptConfigMapName;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public Integer getExitCode() {
        return exitCode;
    }

    public void setExitCode(Integer exitCode) {
        this.exitCode = exitCode;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentRunStatus other)) {
            return false;
        }
        return sameObservation(other) && phase == other.phase && agent == other.agent
                && Objects.equals(jobName, other.jobName) && Objects.equals(podName, other.podName)
                && Objects.equals(workspaceClaimName, other.workspaceClaimName)
                && Objects.equals(promptConfigMapName, other.promptConfigMapName)
                && Objects.equals(startTime, other.startTime) && Objects.equals(completionTime, other.completionTime)
                && Objects.equals(exitCode, other.exitCode) && Objects.equals(message, other.message)
                && Objects.equals(provider, other.provider) && Objects.equals(output, other.output)
                && Objects.equals(result, other.result);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observationHash(), phase, agent, jobName, podName, workspaceClaimName,
                promptConfigMapName, startTime, completionTime, exitCode, message, provider, output, result);
    }
}
