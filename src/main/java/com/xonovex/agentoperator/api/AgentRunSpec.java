package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
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
    /** Agent to run; defaults to the namespace AgentConfig's defaultAgent. */
    private AgentType agent;

    /** Name of an AgentProvider in the same namespace. */
    @Size(min = 1, max = 253)
    @Pattern(Validation.DNS_SUBDOMAIN)
    private String providerRef;

    /** Inline provider settings, for runs without an AgentProvider. */
    private InlineProvider provider;

    @Required
    private Repository repository;

    private Worktree worktree;

    /** The task for the agent; delivered to the agent through a mounted file, never on the command line. */
    @Required
    @Size(min = 1, max = Validation.MAX_PROMPT_LENGTH)
    private String prompt;

    /** Resources of the agent container. */
    private ResourceRequirements resources;

    /** Maximum run time as a duration (default 1h, or the AgentConfig's defaultTimeout). */
    @Size(max = 32)
    @ValidationRule(value = Validation.DURATION_IS_WELL_FORMED, message = Validation.DURATION_IS_WELL_FORMED_MESSAGE)
    @ValidationRule(value = Validation.DURATION_IN_RANGE, message = Validation.DURATION_IN_RANGE_MESSAGE)
    private String timeout;

    /** Extra environment of the agent container; wins over provider and AgentConfig values. */
    @Size(max = Validation.MAX_LIST_ITEMS)
    private List<EnvVar> env;

    /** Container image with git and the agent CLI; overrides AgentConfig and operator defaults. */
    @Size(min = 1, max = 512)
    private String image;

    private Map<String, String> nodeSelector;

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
