package com.xonovex.agentoperator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Reusable provider settings; the auth token stays in a Secret. */
@CSVMetadata(displayName = "Agent Provider", description = "Reusable provider settings; the auth token stays in a Secret")
@Group(AgentRun.GROUP)
@Version(AgentRun.VERSION)
@ShortNames({ "aprov", "aprovs" })
@AdditionalPrinterColumn(name = "Display Name", jsonPath = ".spec.displayName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AgentProvider extends CustomResource<AgentProviderSpec, AgentProviderStatus> implements Namespaced {
}
