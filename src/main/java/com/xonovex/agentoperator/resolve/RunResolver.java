package com.xonovex.agentoperator.resolve;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.xonovex.agentoperator.agent.AgentAdapter;
import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentConfigSpec;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentRunSpec;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.SecretKeyRef;
import com.xonovex.agentoperator.config.OperatorConfig;
import com.xonovex.agentoperator.publish.PublishResolver;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Applies the documented defaults. Agent: spec.agent, else the AgentConfig's defaultAgent. Provider: inline
 * provider, else providerRef, else the AgentConfig's defaultProviders[agent]. Image, timeout, storage: the run's,
 * else the AgentConfig's, else the operator's. Pure: all cluster reads go through {@link ClusterState}.
 */
public final class RunResolver {
    private RunResolver() {
    }

    public static Resolution resolve(AgentRun run, ClusterState cluster, OperatorConfig defaults) {
        var namespace = run.getMetadata().getNamespace();
        var spec = run.getSpec();

        var configs = cluster.configs(namespace);
        var config = namespaceConfig(configs);
        if (config.isEmpty() && configs.size() > 1) {
            return new Resolution.Blocked(BlockedReason.AGENT_CONFIG_AMBIGUOUS, "namespace " + namespace + " has "
                    + configs.size() + " AgentConfigs and none is named '" + AgentConfig.DEFAULT_NAME
                    + "'; name the one to use '" + AgentConfig.DEFAULT_NAME + "'");
        }
        var configSpec = config.map(AgentConfig::getSpec).orElseGet(AgentConfigSpec::new);

        var agentType = spec.getAgent() != null ? spec.getAgent() : configSpec.getDefaultAgent();
        if (agentType == null) {
            return new Resolution.Blocked(BlockedReason.AGENT_NOT_SET,
                    "spec.agent is not set and no AgentConfig in the namespace sets defaultAgent");
        }
        var agent = AgentAdapter.forType(agentType);

        var provider = resolveProvider(spec, agentType, agent, configSpec, namespace, cluster);
        if (provider instanceof Blocking blocking) {
            return blocking.blocked();
        }
        var settings = ((Found) provider).settings();

        // An AgentProvider is ready only while its token Secret and key exist (its reconciler watches them), so a
        // run need not read that Secret again; an inline provider has nobody checking it but the run.
        if (spec.getProvider() != null && settings.authTokenSecretRef() != null) {
            var ref = settings.authTokenSecretRef();
            var missing = missingSecretKey(ref, cluster.secret(namespace, ref.getName()), "auth token");
            if (missing.isPresent()) {
                return missing.get();
            }
        }
        var credentials = spec.getRepository().getCredentialsSecretRef();
        if (credentials != null && cluster.secret(namespace, credentials.getName()).isEmpty()) {
            return new Resolution.Blocked(BlockedReason.GIT_CREDENTIALS_NOT_FOUND,
                    "Secret " + credentials.getName() + " named by repository.credentialsSecretRef does not exist");
        }

        // the namespace's AgentPolicy: its limits are the values of a run that sets none and whose AgentConfig sets
        // none (where the operator's own default would be more); PolicyChecker checks the result
        var limits = cluster.policy(namespace).map(p -> p.getSpec()).map(p -> p.getLimits());
        var policyTimeout = limits.map(l -> l.getMaxTimeout()).filter(max -> exceeds(defaults.defaultTimeout(), max));
        Duration timeout;
        var timeoutText = firstSet(spec.getTimeout(), configSpec.getDefaultTimeout(), policyTimeout.orElse(null),
                defaults.defaultTimeout());
        try {
            timeout = Durations.parse(timeoutText);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return new Resolution.Blocked(BlockedReason.INVALID_SETTING, "timeout '" + timeoutText
                    + "' is not a duration such as 30m or 1h");
        }
        var output = spec.getOutput();
        if (output != null && output.getCredentialsSecretRef() != null
                && cluster.secret(namespace, output.getCredentialsSecretRef().getName()).isEmpty()) {
            return new Resolution.Blocked(BlockedReason.PUSH_CREDENTIALS_NOT_FOUND, "Secret "
                    + output.getCredentialsSecretRef().getName() + " named by output.credentialsSecretRef does not exist");
        }
        var image = firstSet(spec.getImage(), configSpec.getDefaultImage(), defaults.defaultImage());
        var storageSize = firstSet(configSpec.getStorageSize(), defaults.defaultStorageSize());
        var namespaceEnv = configSpec.getEnv() == null ? List.<io.fabric8.kubernetes.api.model.EnvVar> of()
                : configSpec.getEnv();
        return new Resolution.Resolved(new ResolvedRun(agent, settings, image, timeout,
                Optional.ofNullable(configSpec.getStorageClass()), storageSize, namespaceEnv,
                PublishResolver.resolve(run, configSpec, timeout),
                firstSet(spec.getMaxTurns(), configSpec.getDefaultMaxTurns()),
                firstSet(spec.getMaxBudgetUSD(), configSpec.getDefaultMaxBudgetUSD(),
                        limits.map(l -> l.getMaxBudgetUSD()).orElse(null))));
    }

    /** Whether the duration {@code value} is longer than {@code max}; false when either is not a duration. */
    private static boolean exceeds(String value, String max) {
        try {
            return Durations.parse(value).compareTo(Durations.parse(max)) > 0;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }

    /** The namespace's AgentConfig: the one named "default", or the only one. */
    public static Optional<AgentConfig> namespaceConfig(List<AgentConfig> configs) {
        var named = configs.stream().filter(c -> AgentConfig.DEFAULT_NAME.equals(c.getMetadata().getName()))
                .findFirst();
        if (named.isPresent()) {
            return named;
        }
        return configs.size() == 1 ? Optional.of(configs.get(0)) : Optional.empty();
    }

    private sealed interface ProviderLookup {
    }

    private record Found(ProviderSettings settings) implements ProviderLookup {
    }

    private record Blocking(Resolution.Blocked blocked) implements ProviderLookup {
    }

    private static ProviderLookup resolveProvider(AgentRunSpec spec, AgentType agentType, AgentAdapter agent,
            AgentConfigSpec configSpec, String namespace, ClusterState cluster) {
        var inline = spec.getProvider();
        if (inline != null) {
            return new Found(new ProviderSettings(inline.getName() == null ? "inline" : inline.getName(),
                    inline.getAuthTokenSecretRef(), firstSet(inline.getAuthTokenEnv(), agent.defaultTokenEnv()),
                    orEmpty(inline.getEnvironment())));
        }
        String providerName;
        String origin;
        if (spec.getProviderRef() != null) {
            providerName = spec.getProviderRef();
            origin = "spec.providerRef";
        } else {
            var defaults = orEmpty(configSpec.getDefaultProviders());
            providerName = defaults.get(agentType.value());
            origin = "the AgentConfig's defaultProviders." + agentType.value();
            if (providerName == null) {
                return new Blocking(new Resolution.Blocked(BlockedReason.PROVIDER_NOT_SET,
                        "no provider: set spec.provider or spec.providerRef, or defaultProviders." + agentType.value()
                                + " in the namespace's AgentConfig"));
            }
        }
        var found = cluster.provider(namespace, providerName);
        if (found.isEmpty()) {
            return new Blocking(new Resolution.Blocked(BlockedReason.PROVIDER_NOT_FOUND,
                    "AgentProvider " + providerName + " named by " + origin + " does not exist"));
        }
        AgentProvider provider = found.get();
        var providerSpec = provider.getSpec();
        var agentTypes = providerSpec.getAgentTypes();
        if (agentTypes != null && !agentTypes.isEmpty() && !agentTypes.contains(agentType)) {
            return new Blocking(new Resolution.Blocked(BlockedReason.PROVIDER_AGENT_MISMATCH,
                    "AgentProvider " + providerName + " serves " + agentTypes + ", not " + agentType.value()));
        }
        if (provider.getStatus() == null || !provider.getStatus().isReady()) {
            return new Blocking(new Resolution.Blocked(BlockedReason.PROVIDER_NOT_READY,
                    "AgentProvider " + providerName + " is not ready"));
        }
        return new Found(new ProviderSettings(providerName, providerSpec.getAuthTokenSecretRef(),
                firstSet(providerSpec.getAuthTokenEnv(), agent.defaultTokenEnv()),
                orEmpty(providerSpec.getEnvironment())));
    }

    /** Says which of Secret or key is missing, naming both but never revealing any value. */
    public static Optional<Resolution.Blocked> missingSecretKey(SecretKeyRef ref, Optional<Secret> secret,
            String what) {
        if (secret.isEmpty()) {
            return Optional.of(new Resolution.Blocked(BlockedReason.SECRET_NOT_FOUND,
                    "Secret " + ref.getName() + " holding the " + what + " does not exist"));
        }
        var data = secret.get().getData();
        var stringData = secret.get().getStringData();
        boolean hasKey = (data != null && data.containsKey(ref.getKey()))
                || (stringData != null && stringData.containsKey(ref.getKey()));
        if (!hasKey) {
            return Optional.of(new Resolution.Blocked(BlockedReason.SECRET_KEY_NOT_FOUND,
                    "Secret " + ref.getName() + " has no key " + ref.getKey() + " for the " + what));
        }
        return Optional.empty();
    }

    @SafeVarargs
    private static <T> T firstSet(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
