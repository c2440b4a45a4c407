package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;

/** Namespace defaults of AgentRuns; a run's own fields win over them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentConfigSpec {
    @JsonPropertyDescription("The agent (claude or opencode) of runs that set no spec.agent.")
    private AgentType defaultAgent;

    @JsonPropertyDescription("""
            The AgentProvider to use per agent when a run names none: a map from agent (claude, opencode) to \
            the name of an AgentProvider in this namespace. Example: {claude: gemini-provider}. The config's \
            Ready condition is False while a named provider does not exist.""")
    @Size(max = 8)
    @ValidationRule(value = "self.all(k, k in ['claude', 'opencode'])",
            message = "keys must be agent types: claude or opencode")
    private Map<String, String> defaultProviders;

    @JsonPropertyDescription(Descriptions.IMAGE + " Used by runs that set no spec.image; default: the operator's default-image.")
    @Size(min = 1, max = 512)
    private String defaultImage;

    @JsonPropertyDescription("Timeout of runs that set no spec.timeout. " + Descriptions.TIMEOUT
            + " Default: the operator's default-timeout (1h).")
    @Size(max = 32)
    @ValidationRule(value = Validation.DURATION_IS_WELL_FORMED, message = Validation.DURATION_IS_WELL_FORMED_MESSAGE)
    @ValidationRule(value = Validation.DURATION_IN_RANGE, message = Validation.DURATION_IN_RANGE_MESSAGE)
    private String defaultTimeout;

    @JsonPropertyDescription("StorageClass of workspace PVCs. Default: the cluster's default StorageClass.")
    @Size(min = 1, max = 253)
    private String storageClass;

    @JsonPropertyDescription("""
            Size of each run's workspace PVC, a positive quantity such as 10Gi. Default: the operator's \
            default-storage-size (10Gi).""")
    @Size(min = 1, max = 32)
    @ValidationRule(value = "isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",
            message = "must be a positive quantity such as 10Gi")
    private String storageSize;

    @JsonPropertyDescription(Descriptions.ENV + """
             Given to every agent container in the namespace; the provider's environment and the run's env \
            win over it.""")
    @Size(max = Validation.MAX_LIST_ITEMS)
    private List<EnvVar> env;

    @JsonPropertyDescription("""
            The change policy of published runs in the namespace; a run's output.changePolicy overrides it field \
            by field. Default: at most 500 files and 10 MiB, CI definitions protected (see \
            AgentRun spec.output.changePolicy).""")
    private ChangePolicy defaultChangePolicy;

    @JsonPropertyDescription("maxTurns of runs that set none, 1 to 10000. Default: no limit.")
    @io.fabric8.generator.annotation.Min(1)
    @io.fabric8.generator.annotation.Max(10000)
    private Integer defaultMaxTurns;

    @JsonPropertyDescription("maxBudgetUSD of runs that set none, such as 5 or 2.50. Default: no limit.")
    @Size(min = 1, max = 16)
    @io.fabric8.generator.annotation.Pattern(Validation.USD)
    @ValidationRule(value = Validation.USD_POSITIVE, message = Validation.USD_POSITIVE_MESSAGE)
    private String defaultMaxBudgetUSD;

    @JsonPropertyDescription("ttlSecondsAfterFinished of runs that set none. Default: finished runs are kept.")
    @io.fabric8.generator.annotation.Min(0)
    @io.fabric8.generator.annotation.Max(31_536_000)
    private Integer defaultTTLSecondsAfterFinished;

    public AgentType getDefaultAgent() {
        return defaultAgent;
    }

    public void setDefaultAgent(AgentType defaultAgent) {
        this.defaultAgent = defaultAgent;
    }

    public Map<String, String> getDefaultProviders() {
        return defaultProviders;
    }

    public void setDefaultProviders(Map<String, String> defaultProviders) {
        this.defaultProviders = defaultProviders;
    }

    public String getDefaultImage() {
        return defaultImage;
    }

    public void setDefaultImage(String defaultImage) {
        this.defaultImage = defaultImage;
    }

    public String getDefaultTimeout() {
        return defaultTimeout;
    }

    public void setDefaultTimeout(String defaultTimeout) {
        this.defaultTimeout = defaultTimeout;
    }

    public String getStorageClass() {
        return storageClass;
    }

    public void setStorageClass(String storageClass) {
        this.storageClass = storageClass;
    }

    public String getStorageSize() {
        return storageSize;
    }

    public void setStorageSize(String storageSize) {
        this.storageSize = storageSize;
    }

    public List<EnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<EnvVar> env) {
        this.env = env;
    }

    public ChangePolicy getDefaultChangePolicy() {
        return defaultChangePolicy;
    }

    public void setDefaultChangePolicy(ChangePolicy defaultChangePolicy) {
        this.defaultChangePolicy = defaultChangePolicy;
    }

    public Integer getDefaultMaxTurns() {
        return defaultMaxTurns;
    }

    public void setDefaultMaxTurns(Integer defaultMaxTurns) {
        this.defaultMaxTurns = defaultMaxTurns;
    }

    public String getDefaultMaxBudgetUSD() {
        return defaultMaxBudgetUSD;
    }

    public void setDefaultMaxBudgetUSD(String defaultMaxBudgetUSD) {
        this.defaultMaxBudgetUSD = defaultMaxBudgetUSD;
    }

    public Integer getDefaultTTLSecondsAfterFinished() {
        return defaultTTLSecondsAfterFinished;
    }

    public void setDefaultTTLSecondsAfterFinished(Integer defaultTTLSecondsAfterFinished) {
        this.defaultTTLSecondsAfterFinished = defaultTTLSecondsAfterFinished;
    }
}
