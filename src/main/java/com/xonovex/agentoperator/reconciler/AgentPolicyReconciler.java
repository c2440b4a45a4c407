package com.xonovex.agentoperator.reconciler;

import com.xonovex.agentoperator.api.AgentPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Does nothing: an AgentPolicy has no status, and runs read their namespace's policy from their own informer. It
 * exists because the OLM bundle owns (and so installs) only the CRDs of kinds a controller reconciles: without it the
 * bundle would lack the AgentPolicy CRD, and the operator, whose AgentRun controller watches AgentPolicies, would not
 * start under OLM.
 */
// RBAC: the ClusterRole agentpolicy-cluster-role in src/main/kubernetes/kubernetes.yml (read only)
@ControllerConfiguration(name = AgentPolicyReconciler.NAME)
public class AgentPolicyReconciler implements Reconciler<AgentPolicy> {
    public static final String NAME = "agentpolicy";

    @Override
    public UpdateControl<AgentPolicy> reconcile(AgentPolicy policy, Context<AgentPolicy> context) {
        return UpdateControl.noUpdate();
    }
}
