package com.xonovex.agentoperator.config;

import io.quarkiverse.operatorsdk.annotations.CSVMetadata;
import io.quarkiverse.operatorsdk.annotations.SharedCSVMetadata;

/** What the OLM bundle's ClusterServiceVersion says about the operator (read at build time by QOSDK). */
@CSVMetadata(
        bundleName = "agent-operator",
        displayName = "Agent Operator",
        description = """
                Runs AI coding agents (Claude Code, OpenCode) headless as Kubernetes Jobs. Each AgentRun gets a \
                workspace volume with its repository cloned (branch, commit or a new worktree branch, with \
                credentials from a Secret), and a locked-down pod that runs the agent with the prompt delivered \
                as a file. AgentProviders keep provider settings and tokens in Secrets; AgentConfigs hold \
                namespace defaults. Runs go Pending, Initializing, Running, then Succeeded, Failed or TimedOut.""",
        keywords = { "ai", "agents", "claude", "opencode", "jobs" },
        maturity = "alpha",
        minKubeVersion = "1.30.0",
        provider = @CSVMetadata.Provider(name = "Xonovex", url = "https://github.com/xonovex"),
        maintainers = @CSVMetadata.Maintainer(name = "Agent Operator maintainers", email = "agent-operator@xonovex.com"),
        links = @CSVMetadata.Link(name = "Source", url = "https://github.com/xonovex/agent-operator"),
        icon = @CSVMetadata.Icon(fileName = "agent-operator-icon.svg", mediatype = "image/svg+xml"),
        installModes = {
                @CSVMetadata.InstallMode(type = "OwnNamespace", supported = true),
                @CSVMetadata.InstallMode(type = "SingleNamespace", supported = true),
                @CSVMetadata.InstallMode(type = "MultiNamespace", supported = true),
                @CSVMetadata.InstallMode(type = "AllNamespaces", supported = true)
        },
        permissionRules = @CSVMetadata.PermissionRule(apiGroups = "coordination.k8s.io", resources = "leases",
                verbs = { "get", "create", "update", "patch" }))
public class BundleMetadata implements SharedCSVMetadata {
}
