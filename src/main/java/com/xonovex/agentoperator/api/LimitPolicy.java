package com.xonovex.agentoperator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Upper bounds; a run that asks for more is refused. Part of an {@link AgentPolicy}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LimitPolicy {
    @JsonPropertyDescription("""
            The longest timeout a run may have, a Go duration such as 2h. Checked against spec.timeout at admission \
            and against the timeout the run resolves to when it starts; a run that sets none and whose AgentConfig \
            sets none gets this one when it is shorter than the operator's default.""")
    @Size(max = 32)
    @ValidationRule(value = Validation.DURATION_IS_WELL_FORMED, message = Validation.DURATION_IS_WELL_FORMED_MESSAGE)
    @ValidationRule(value = Validation.DURATION_IN_RANGE, message = Validation.DURATION_IN_RANGE_MESSAGE)
    private String maxTimeout;

    @JsonPropertyDescription("""
            The largest maxBudgetUSD a run may have, such as 10 or 2.50. A run that sets none and whose AgentConfig \
            sets none gets this one (an unlimited run cannot be compared).""")
    @Size(min = 1, max = 16)
    @io.fabric8.generator.annotation.Pattern(Validation.USD)
    private String maxBudgetUSD;

    @JsonPropertyDescription("""
            The most CPU a run's containers may request or be limited to (spec.resources requests.cpu and limits.cpu), \
            a quantity such as 2 or 500m. A run that sets none is left to the namespace's LimitRange.""")
    @Size(min = 1, max = 32)
    @ValidationRule(value = Validation.QUANTITY, message = Validation.QUANTITY_MESSAGE)
    private String maxCPU;

    @JsonPropertyDescription("""
            The most memory a run's containers may request or be limited to (spec.resources requests.memory and \
            limits.memory), a quantity such as 4Gi. A run that sets none is left to the namespace's LimitRange.""")
    @Size(min = 1, max = 32)
    @ValidationRule(value = Validation.QUANTITY, message = Validation.QUANTITY_MESSAGE)
    private String maxMemory;

    public String getMaxTimeout() {
        return maxTimeout;
    }

    public void setMaxTimeout(String maxTimeout) {
        this.maxTimeout = maxTimeout;
    }

    public String getMaxBudgetUSD() {
        return maxBudgetUSD;
    }

    public void setMaxBudgetUSD(String maxBudgetUSD) {
        this.maxBudgetUSD = maxBudgetUSD;
    }

    public String getMaxCPU() {
        return maxCPU;
    }

    public void setMaxCPU(String maxCPU) {
        this.maxCPU = maxCPU;
    }

    public String getMaxMemory() {
        return maxMemory;
    }

    public void setMaxMemory(String maxMemory) {
        this.maxMemory = maxMemory;
    }
}
