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
@ValidationRule(value = "self == oldSelf", message = "spec is immutable after creation; create a new AgentRun instead")
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
}
