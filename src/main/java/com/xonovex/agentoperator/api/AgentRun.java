package com.xonovex.agentoperator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One agent run: a repository, a prompt and an agent, executed as a Job. */
@CSVMetadata(displayName = "Agent Run", description = "A repository, a prompt and an agent, run once as a Job with its own workspace")
@Group(AgentRun.GROUP)
@Version(AgentRun.VERSION)
@ShortNames({ "arun", "aruns" })
@AdditionalPrinterColumn(name = "Agent", jsonPath = ".status.agent", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Cost", jsonPath = ".status.result.costUSD", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Branch", jsonPath = ".status.output.branch", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Turns", jsonPath = ".status.result.turns", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Pull Request", jsonPath = ".status.output.pullRequestURL", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AgentRun extends CustomResource<AgentRunSpec, AgentRunStatus> implements Namespaced {
    public static final String GROUP = "agent.xonovex.com";
    public static final String VERSION = "v1alpha1";
}
