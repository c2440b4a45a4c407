package com.xonovex.agentoperator.status;

import java.util.Objects;

import com.xonovex.agentoperator.api.AgentRunStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * What makes a status change worth a write (issue 13: at most one status write per phase). Everything counts except
 * the sentences: the run's message and its conditions' messages. The phase, the conditions' status and reason, and
 * every recorded fact (names, times, exit code, result, output) do.
 */
final class StatusChanges {
    private StatusChanges() {
    }

    /** Whether {@code next} differs from {@code current} in messages only (or not at all). */
    static boolean onlyMessages(AgentRunStatus current, AgentRunStatus next) {
        if (current == null) {
            return next == null;
        }
        return Objects.equals(withoutMessages(current), withoutMessages(next));
    }

    private static AgentRunStatus withoutMessages(AgentRunStatus status) {
        var copy = RunStatuses.copyOf(status);
        copy.setMessage(null);
        copy.setConditions(status.getConditions() == null ? null : status.getConditions().stream()
                .map(StatusChanges::withoutMessage).toList());
        return copy;
    }

    private static Condition withoutMessage(Condition condition) {
        return new ConditionBuilder(condition).withMessage(null).build();
    }
}
