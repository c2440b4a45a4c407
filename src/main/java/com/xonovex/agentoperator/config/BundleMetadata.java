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
        annotations = @CSVMetadata.Annotations(
                capabilities = "Basic Install",
                categories = "Developer Tools, AI/Machine Learning",
                containerImage = "ghcr.io/xonovex/agent-operator:0.1.0-SNAPSHOT",
                repository = "https://github.com/xonovex/agent-operator",
                almExamples = """
                        [{"apiVersion":"agent.xonovex.com/v1alpha1","kind":"AgentProvider",\
                        "metadata":{"name":"gemini-provider"},"spec":{"displayName":"Google Gemini",\
                        "agentTypes":["claude"],"authTokenSecretRef":{"name":"gemini-credentials","key":"api-key"},\
                        "environment":{"ANTHROPIC_BASE_URL":"http://litellm-proxy:8317"}}},\
                        {"apiVersion":"agent.xonovex.com/v1alpha1","kind":"AgentConfig","metadata":{"name":"default"},\
                        "spec":{"defaultAgent":"claude","defaultProviders":{"claude":"gemini-provider"},\
                        "defaultTimeout":"1h","storageSize":"10Gi"}},\
                        {"apiVersion":"agent.xonovex.com/v1alpha1","kind":"AgentRun","metadata":{"name":"fix-auth-bug"},\
                        "spec":{"agent":"claude","providerRef":"gemini-provider","repository":\
                        {"url":"https://github.com/org/repo.git","branch":"feature/auth"},\
                        "prompt":"Fix the authentication bug in the login handler","timeout":"30m"}},\
                        {"apiVersion":"agent.xonovex.com/v1alpha1","kind":"AgentPolicy","metadata":{"name":"default"},\
                        "spec":{"images":{"allowed":["ghcr.io/xonovex/agent-runner*"]},\
                        "limits":{"maxTimeout":"2h","maxBudgetUSD":"10"},"egress":{"mode":"Restricted"}}}]"""),
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
