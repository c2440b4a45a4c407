package com.xonovex.agentoperator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/** What every status of this API has: conditions, and the generation they were computed from. */
public abstract class ObservedStatus {
    @JsonPropertyDescription(Descriptions.CONDITIONS)
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription(Descriptions.OBSERVED_GENERATION)
    private Long observedGeneration;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    /** Equality of the shared fields; subclasses add theirs (the reconcilers skip writing an equal status). */
    protected boolean sameObservation(ObservedStatus other) {
        return getClass() == other.getClass() && Objects.equals(conditions, other.conditions)
                && Objects.equals(observedGeneration, other.observedGeneration);
    }

    protected int observationHash() {
        return Objects.hash(conditions, observedGeneration);
    }
}
