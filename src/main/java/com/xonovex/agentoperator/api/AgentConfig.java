package com.xonovex.agentoperator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Namespace defaults for AgentRuns. The operator uses the one named {@value #DEFAULT_NAME}, or the only one in the
 * namespace.
 */
@CSVMetadata(displayName = "Agent Config", description = "Namespace defaults for agent runs: agent, providers, image, timeout, storage, env")
@Group(AgentRun.GROUP)
@Version(AgentRun.VERSION)
@ShortNames({ "acfg", "acfgs" })
@AdditionalPrinterColumn(name = "Default Agent", jsonPath = ".spec.defaultAgent", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AgentConfig extends CustomResource<AgentConfigSpec, AgentConfigStatus> implements Namespaced {
    public static final String DEFAULT_NAME = "default";
}
