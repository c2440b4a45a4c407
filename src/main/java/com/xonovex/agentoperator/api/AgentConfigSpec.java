package com.xonovex.agentoperator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentConfigSpec {
    private AgentType defaultAgent;

    /** AgentProvider name per agent, used when a run names no provider. */
    @Size(max = 8)
    @ValidationRule(value = "self.all(k, k in ['claude', 'opencode'])",
            message = "keys must be agent types: claude or opencode")
    private Map<String, String> defaultProviders;

    @Size(min = 1, max = 512)
    private String defaultImage;

    @Size(max = 32)
    @ValidationRule(value = Validation.DURATION_IS_WELL_FORMED, message = Validation.DURATION_IS_WELL_FORMED_MESSAGE)
    @ValidationRule(value = Validation.DURATION_IN_RANGE, message = Validation.DURATION_IN_RANGE_MESSAGE)
    private String defaultTimeout;

    /** StorageClass of workspace PVCs; the cluster default when unset. */
    @Size(min = 1, max = 253)
    private String storageClass;

    /** Size of workspace PVCs (default 10Gi). */
    @Size(min = 1, max = 32)
    @ValidationRule(value = "isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",
            message = "must be a positive quantity such as 10Gi")
    private String storageSize;

    /** Environment of every agent container in the namespace; providers and runs override it. */
    @Size(max = Validation.MAX_LIST_ITEMS)
    private List<EnvVar> env;

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
}
