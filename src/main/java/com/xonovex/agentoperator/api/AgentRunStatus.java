package com.xonovex.agentoperator.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentRunStatus extends ObservedStatus {
    private Phase phase;
    /** The agent that was resolved for this run. */
    private String agent;
    private String jobName;
    private String podName;
    private String workspacePVC;
    private String startTime;
    private String completionTime;
    private Integer exitCode;
    private String message;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getAgent() {
        return agent;
    }

    public void setAgent(String agent) {
        this.agent = agent;
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

    public String getWorkspacePVC() {
        return workspacePVC;
    }

    public void setWorkspacePVC(String workspacePVC) {
        this.workspacePVC = workspacePVC;
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
        return sameObservation(other) && phase == other.phase && Objects.equals(agent, other.agent)
                && Objects.equals(jobName, other.jobName)
                && Objects.equals(podName, other.podName) && Objects.equals(workspacePVC, other.workspacePVC)
                && Objects.equals(startTime, other.startTime) && Objects.equals(completionTime, other.completionTime)
                && Objects.equals(exitCode, other.exitCode) && Objects.equals(message, other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observationHash(), phase, agent, jobName, podName, workspacePVC, startTime,
                completionTime, exitCode, message);
    }
}
