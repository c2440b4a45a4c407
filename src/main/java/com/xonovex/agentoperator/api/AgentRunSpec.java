package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Validation.RUN_SPEC_IMMUTABLE, message = Validation.RUN_SPEC_IMMUTABLE_MESSAGE)
@ValidationRule(value = "!has(oldSelf.cancel) || !oldSelf.cancel || has(self.cancel) && self.cancel",
        message = "cancel cannot be undone")
@ValidationRule(value = "!has(self.output) || has(self.output.credentialsSecretRef) || has(self.repository.credentialsSecretRef)",
        message = "output needs credentials to push with: set output.credentialsSecretRef or repository.credentialsSecretRef")
@ValidationRule(value = "!has(self.output) || !has(self.output.pullRequest) || has(self.output.pullRequest.base) || has(self.repository.branch)",
        message = "output.pullRequest.base is required when repository.branch is not set")
@ValidationRule(value = "!(has(self.provider) && has(self.providerRef))",
        message = "provider and providerRef are mutually exclusive; set one of them")
public class AgentRunSpec {
    @JsonPropertyDescription("""
            The agent CLI to run: claude (Claude Code) or opencode (OpenCode). Default: the namespace \
            AgentConfig's defaultAgent; with neither, the run waits in Pending (reason AgentNotSet).""")
    private AgentType agent;

    @JsonPropertyDescription("""
            Name of an AgentProvider in the run's namespace: the model endpoint, settings and token to use. \
            Default: the AgentConfig's defaultProviders entry for the agent. Mutually exclusive with provider. \
            The run waits in Pending until the provider exists and is ready.""")
    @Size(min = 1, max = 253)
    @Pattern(Validation.DNS_SUBDOMAIN)
    private String providerRef;

    @JsonPropertyDescription("""
            Provider settings written into the run itself, for one-off runs without an AgentProvider. Mutually \
            exclusive with providerRef.""")
    private InlineProvider provider;

    @JsonPropertyDescription("The git repository cloned into the run's workspace before the agent starts. Required.")
    @Required
    private Repository repository;

    @JsonPropertyDescription("""
            Optional: a new branch checked out in its own git worktree (/workspace/worktree), where the agent \
            works instead of the clone (/workspace/repo).""")
    private Worktree worktree;

    @JsonPropertyDescription("""
            The task for the agent, 1 to 262144 characters. It is delivered to the CLI on standard input from a \
            mounted file, never on a command line or through a shell, so any text is safe. Required.""")
    @Required
    @Size(min = 1, max = Validation.MAX_PROMPT_LENGTH)
    private String prompt;

    @JsonPropertyDescription("""
            CPU and memory requests and limits of the agent container (the git-clone init container gets the \
            same). Default: none, so the namespace's LimitRange applies.""")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Maximum run time. " + Descriptions.TIMEOUT
            + " Default: the AgentConfig's defaultTimeout, else the operator's default-timeout (1h).")
    @Size(max = 32)
    @ValidationRule(value = Validation.DURATION_IS_WELL_FORMED, message = Validation.DURATION_IS_WELL_FORMED_MESSAGE)
    @ValidationRule(value = Validation.DURATION_IN_RANGE, message = Validation.DURATION_IN_RANGE_MESSAGE)
    private String timeout;

    @JsonPropertyDescription(Descriptions.ENV + """
             These are applied after the AgentConfig's env and the provider's environment and win over them; \
            HOME and the token variable are the operator's and cannot be set.""")
    @Size(max = Validation.MAX_LIST_ITEMS)
    private List<EnvVar> env;

    @JsonPropertyDescription(Descriptions.IMAGE
            + " Default: the AgentConfig's defaultImage, else the operator's default-image.")
    @Size(min = 1, max = 512)
    private String image;

    @JsonPropertyDescription("Node labels the run's pod must match, as in a Pod's nodeSelector.")
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Tolerations of the run's pod, as in a Pod's tolerations. At most 128.")
    @Size(max = Validation.MAX_LIST_ITEMS)
    private List<Toleration> tolerations;

    @JsonPropertyDescription("""
            Publish the work: push it to a branch, optionally open a pull request, after checking the change. \
            Default: none; the work stays on the run's workspace volume.""")
    private RunOutput output;

    @JsonPropertyDescription("""
            At most this many agent turns, 1 to 10000; the CLI stops there and the run fails with reason \
            MaxTurnsExceeded. Default: the AgentConfig's defaultMaxTurns, else no limit. Claude Code enforces it \
            (--max-turns); OpenCode cannot: condition GuardrailsEnforced says so and the run goes on without it.""")
    @io.fabric8.generator.annotation.Min(1)
    @io.fabric8.generator.annotation.Max(10000)
    private Integer maxTurns;

    @JsonPropertyDescription("""
            At most this much spent on the model, in US dollars as the CLI prices it, such as 2.50; the run fails \
            with reason MaxBudgetExceeded when the CLI stops on it. Default: the AgentConfig's \
            defaultMaxBudgetUSD, else no limit. Claude Code enforces it (--max-budget-usd); OpenCode cannot: \
            condition GuardrailsEnforced says so.""")
    @Size(min = 1, max = 16)
    @Pattern(Validation.USD)
    @ValidationRule(value = Validation.USD_POSITIVE, message = Validation.USD_POSITIVE_MESSAGE)
    private String maxBudgetUSD;

    @JsonPropertyDescription("""
            Seconds after the run ends (Succeeded, Failed, TimedOut, Cancelled) when the operator deletes it, \
            and with it its Job, pod, workspace and transcript. 0 deletes it at once. Default: the AgentConfig's \
            defaultTTLSecondsAfterFinished, else never. May be changed at any time.""")
    @io.fabric8.generator.annotation.Min(0)
    @io.fabric8.generator.annotation.Max(31_536_000)
    private Integer ttlSecondsAfterFinished;

    @JsonPropertyDescription("""
            Set to true to stop the run: a run that has not started never starts; a started run's Job is \
            suspended, which stops its pod. The run ends Cancelled; its workspace and transcript stay. The only \
            spec field that may change after creation (besides ttlSecondsAfterFinished), and only to true.""")
    private Boolean cancel;

    public AgentType getAgent() {
        return agent;
    }

    public void setAgent(AgentType agent) {
        this.agent = agent;
    }

    public String getProviderRef() {
        return providerRef;
    }

    public void setProviderRef(String providerRef) {
        this.providerRef = providerRef;
    }

    public InlineProvider getProvider() {
        return provider;
    }

    public void setProvider(InlineProvider provider) {
        this.provider = provider;
    }

    public Repository getRepository() {
        return repository;
    }

    public void setRepository(Repository repository) {
        this.repository = repository;
    }

    public Worktree getWorktree() {
        return worktree;
    }

    public void setWorktree(Worktree worktree) {
        this.worktree = worktree;
    }

    public String getPrompt() {
        return prompt;
    }

    public void setPrompt(String prompt) {
        this.prompt = prompt;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public RunOutput getOutput() {
        return output;
    }

    public void setOutput(RunOutput output) {
        this.output = output;
    }

    public Integer getMaxTurns() {
        return maxTurns;
    }

    public void setMaxTurns(Integer maxTurns) {
        this.maxTurns = maxTurns;
    }

    public String getMaxBudgetUSD() {
        return maxBudgetUSD;
    }

    public void setMaxBudgetUSD(String maxBudgetUSD) {
        this.maxBudgetUSD = maxBudgetUSD;
    }

    public Integer getTtlSecondsAfterFinished() {
        return ttlSecondsAfterFinished;
    }

    public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
        this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
    }

    public Boolean getCancel() {
        return cancel;
    }

    public void setCancel(Boolean cancel) {
        this.cancel = cancel;
    }

    /** Whether the user asked to stop the run (not a field: nothing is serialized). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isCancelRequested() {
        return Boolean.TRUE.equals(cancel);
    }
}
