package com.xonovex.agentoperator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata;

/**
 * What runs in a namespace may do, owned by the namespace's admin: run authors get no write access to it. One per
 * namespace, named {@value #NAME} (the API server refuses other names). Enforced twice: at admission by the
 * ValidatingAdmissionPolicy {@code agent-operator-run-policy} (kubernetes/policy/), which reads this object as its
 * parameter, and by the operator before it starts a run (a run admitted before the policy existed ends Failed with
 * reason PolicyViolation). No status: nothing to observe beyond the object itself.
 */
@CSVMetadata(displayName = "Agent Policy", description = "What runs in a namespace may do: images, Secrets, environment, limits, scheduling, egress")
@Group(AgentRun.GROUP)
@Version(AgentRun.VERSION)
@ShortNames({ "apol", "apols" })
@AdditionalPrinterColumn(name = "Egress", jsonPath = ".spec.egress.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Runtime Class", jsonPath = ".spec.scheduling.runtimeClassName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@io.fabric8.generator.annotation.ValidationRule(value = "self.metadata.name == 'default'",
        message = "an AgentPolicy must be named default: one per namespace, the one the admission policy and the operator read")
public class AgentPolicy extends CustomResource<AgentPolicySpec, Void> implements Namespaced {
    public static final String NAME = "default";
}
