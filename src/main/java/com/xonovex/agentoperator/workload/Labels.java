package com.xonovex.agentoperator.workload;

import java.util.LinkedHashMap;
import java.util.Map;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;

/** Labels and annotations the operator puts on a run's children. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String AGENT_TYPE = "agent.xonovex.com/agent-type";
    public static final String OPERATOR_NAME = "agent-operator";
    /** Selects what the operator made; its informers watch only these. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR_NAME;
    /** The run's UID on its pod when an AgentPolicy applies: what the run's NetworkPolicy selects. */
    public static final String RUN_UID = "agent.xonovex.com/run-uid";
    /** Full run name, which a label value may be too short to hold. */
    public static final String RUN_ANNOTATION = "agent.xonovex.com/run";

    private Labels() {
    }

    /** The run's own labels, then the operator's, which win on a clash. */
    public static Map<String, String> forChildren(AgentRun run, AgentType agent) {
        var labels = new LinkedHashMap<String, String>();
        if (run.getMetadata().getLabels() != null) {
            labels.putAll(run.getMetadata().getLabels());
        }
        labels.put(NAME, OPERATOR_NAME);
        labels.put(INSTANCE, ChildNames.of(run).job());
        labels.put(MANAGED_BY, OPERATOR_NAME);
        labels.put(AGENT_TYPE, agent.value());
        return labels;
    }

    /** Whether the operator sets this label itself (it wins over a run's label of the same key). */
    public static boolean isOperatorLabel(String key) {
        return NAME.equals(key) || INSTANCE.equals(key) || MANAGED_BY.equals(key) || AGENT_TYPE.equals(key)
                || RUN_UID.equals(key);
    }

    public static Map<String, String> annotations(AgentRun run) {
        return Map.of(RUN_ANNOTATION, run.getMetadata().getName());
    }
}
