package com.xonovex.agentoperator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentRunStatus {
    private Phase phase;
    /** The agent that was resolved for this run. */
    private String agent;
    private List<Condition> conditions = new ArrayList<>();
    private String jobName;
    private String podName;
    private String workspacePVC;
    private String startTime;
    private String completionTime;
    private Integer exitCode;
    private String message;
    private Long observedGeneration;

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

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
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

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentRunStatus other)) {
            return false;
        }
        return phase == other.phase && Objects.equals(agent, other.agent)
                && Objects.equals(conditions, other.conditions) && Objects.equals(jobName, other.jobName)
                && Objects.equals(podName, other.podName) && Objects.equals(workspacePVC, other.workspacePVC)
                && Objects.equals(startTime, other.startTime) && Objects.equals(completionTime, other.completionTime)
                && Objects.equals(exitCode, other.exitCode) && Objects.equals(message, other.message)
                && Objects.equals(observedGeneration, other.observedGeneration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(phase, agent, conditions, jobName, podName, workspacePVC, startTime, completionTime,
                exitCode, message, observedGeneration);
    }
}
