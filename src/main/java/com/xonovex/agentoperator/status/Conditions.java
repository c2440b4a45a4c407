package com.xonovex.agentoperator.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Sets conditions the Kubernetes way: lastTransitionTime changes only when the status does. */
public final class Conditions {
    private Conditions() {
    }

    public static List<Condition> set(List<Condition> current, String type, boolean status, String reason,
            String message, Long generation, String now) {
        var result = new ArrayList<Condition>();
        var statusText = status ? "True" : "False";
        boolean found = false;
        for (var condition : current == null ? List.<Condition> of() : current) {
            if (!type.equals(condition.getType())) {
                result.add(condition);
                continue;
            }
            found = true;
            var transitioned = !statusText.equals(condition.getStatus());
            result.add(new ConditionBuilder().withType(type).withStatus(statusText).withReason(reason)
                    .withMessage(message).withObservedGeneration(generation)
                    .withLastTransitionTime(transitioned || condition.getLastTransitionTime() == null ? now
                            : condition.getLastTransitionTime())
                    .build());
        }
        if (!found) {
            result.add(new ConditionBuilder().withType(type).withStatus(statusText).withReason(reason)
                    .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(now).build());
        }
        return result;
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return conditions != null && conditions.stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public static String reason(List<Condition> conditions, String type) {
        return conditions == null ? null : conditions.stream().filter(c -> Objects.equals(type, c.getType()))
                .map(Condition::getReason).findFirst().orElse(null);
    }
}
