package com.xonovex.agentoperator.policy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.xonovex.agentoperator.api.AgentPolicySpec;
import com.xonovex.agentoperator.api.EnvPolicy;
import com.xonovex.agentoperator.api.SecretRef;
import com.xonovex.agentoperator.resolve.Durations;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * The rules of an AgentPolicy, checked by the operator before it starts a run: the same rules, with the same
 * messages, as the admission policy in kubernetes/policy/ (one table of cases tests both), plus what only the
 * resolved run can tell (the default image, the AgentConfig's timeout, the provider's keys). Pure.
 */
public final class PolicyChecker {
    /** env.deniedNames when the policy does not set it: what decides where the token goes and whom the agent trusts. */
    public static final List<String> DEFAULT_DENIED_ENV = List.of("ANTHROPIC_*", "CLAUDE_CODE_USE_*", "OPENCODE_*",
            "*_PROXY", "*_proxy", "NODE_*", "SSL_CERT_*");
    private static final Pattern DIGEST = Pattern.compile(".*@sha256:[0-9a-f]{64}$");

    private PolicyChecker() {
    }

    /** Every rule the run breaks, in the order the admission policy checks them; empty when it may run. */
    public static List<Violation> check(PolicyInput input, AgentPolicySpec policy) {
        var violations = new ArrayList<Violation>();
        if (policy == null) {
            return violations;
        }
        var spec = input.spec();
        images(input, policy, violations);
        secrets(input, policy, violations);
        env(input, policy, violations);
        sources(input, policy, violations);
        limits(input, policy, violations);
        var scheduling = policy.getScheduling();
        if (scheduling != null && scheduling.getAllowedNodeSelectorKeys() != null && spec.getNodeSelector() != null) {
            var denied = spec.getNodeSelector().keySet().stream().sorted()
                    .filter(k -> !Patterns.anyMatches(k, scheduling.getAllowedNodeSelectorKeys())).toList();
            add(violations, "scheduling.allowedNodeSelectorKeys", "spec.nodeSelector", denied);
        }
        if (scheduling != null && scheduling.getAllowedTolerationKeys() != null && spec.getTolerations() != null) {
            var denied = spec.getTolerations().stream()
                    .filter(t -> t.getKey() == null || !Patterns.anyMatches(t.getKey(),
                            scheduling.getAllowedTolerationKeys()))
                    .map(PolicyChecker::tolerationKey).toList();
            add(violations, "scheduling.allowedTolerationKeys", "spec.tolerations", denied);
        }
        return violations;
    }

    private static void images(PolicyInput input, AgentPolicySpec policy, List<Violation> violations) {
        var images = policy.getImages();
        if (images == null) {
            return;
        }
        var what = input.spec().getImage() != null ? "spec.image " + input.spec().getImage()
                : "image " + input.image() + " (the run's default)";
        if (images.getAllowed() != null && !Patterns.anyMatches(input.image(), images.getAllowed())) {
            violations.add(Violation.of("images.allowed", what));
        }
        if (Boolean.TRUE.equals(images.getRequireDigest()) && !DIGEST.matcher(input.image()).matches()) {
            violations.add(Violation.of("images.requireDigest", what + " without a digest"));
        }
    }

    private static void secrets(PolicyInput input, AgentPolicySpec policy, List<Violation> violations) {
        if (policy.getSecrets() == null || policy.getSecrets().getAllowedNames() == null) {
            return;
        }
        var allowed = policy.getSecrets().getAllowedNames();
        Predicate<String> denied = name -> !Patterns.anyMatches(name, allowed);
        var spec = input.spec();
        var rule = "secrets.allowedNames";
        add(violations, rule, "spec.env secretKeyRef", env(spec.getEnv()).stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> e.getValueFrom().getSecretKeyRef().getName()).filter(denied).toList());
        if (spec.getProvider() != null && spec.getProvider().getAuthTokenSecretRef() != null) {
            add(violations, rule, "spec.provider.authTokenSecretRef",
                    Optional.of(spec.getProvider().getAuthTokenSecretRef().getName()).filter(denied).stream().toList());
        }
        add(violations, rule, "spec.repository.credentialsSecretRef",
                name(spec.getRepository().getCredentialsSecretRef()).filter(denied).stream().toList());
        if (spec.getOutput() != null) {
            add(violations, rule, "spec.output.credentialsSecretRef",
                    name(spec.getOutput().getCredentialsSecretRef()).filter(denied).stream().toList());
        }
    }

    private static void env(PolicyInput input, AgentPolicySpec policy, List<Violation> violations) {
        var env = env(input.spec().getEnv());
        EnvPolicy rules = policy.getEnv();
        if (rules != null && Boolean.FALSE.equals(rules.getAllowValueFrom())) {
            add(violations, "env.allowValueFrom", "spec.env valueFrom",
                    env.stream().filter(e -> e.getValueFrom() != null).map(EnvVar::getName).toList());
        }
        var deniedNames = rules == null || rules.getDeniedNames() == null ? DEFAULT_DENIED_ENV : rules.getDeniedNames();
        add(violations, "env.deniedNames", "spec.env", env.stream().map(EnvVar::getName)
                .filter(n -> Patterns.anyMatches(n, deniedNames)).toList());
        // what only the started run can tell: its provider's own keys and token variable
        var providers = input.providerKeys() == null ? Set.<String> of() : input.providerKeys();
        add(violations, "env.deniedNames", "spec.env", env.stream().map(EnvVar::getName)
                .filter(n -> !Patterns.anyMatches(n, deniedNames))
                .filter(n -> providers.contains(n) || n.equals(input.tokenEnv())).toList(),
                " (set by the run's provider)");
    }

    private static void sources(PolicyInput input, AgentPolicySpec policy, List<Violation> violations) {
        var sources = policy.getSources();
        if (sources == null) {
            return;
        }
        var spec = input.spec();
        if (sources.getAllowedURLs() != null) {
            var allowed = sources.getAllowedURLs();
            if (!Patterns.anyMatches(spec.getRepository().getUrl(), allowed)) {
                violations.add(Violation.of("sources.allowedURLs", "spec.repository.url " + spec.getRepository()
                        .getUrl()));
            }
            var apiUrl = spec.getOutput() != null && spec.getOutput().getPullRequest() != null
                    ? spec.getOutput().getPullRequest().getApiURL() : null;
            if (apiUrl != null && !Patterns.anyMatches(apiUrl, allowed)) {
                violations.add(Violation.of("sources.allowedURLs", "spec.output.pullRequest.apiURL " + apiUrl));
            } else if (apiUrl == null && input.forgeApiUrl().isPresent()
                    && !Patterns.anyMatches(input.forgeApiUrl().get(), allowed)) {
                violations.add(Violation.of("sources.allowedURLs", "the pull request's API "
                        + input.forgeApiUrl().get() + " (the default of output.pullRequest.apiURL)"));
            }
        }
        if (Boolean.FALSE.equals(sources.getAllowInlineProvider()) && spec.getProvider() != null) {
            violations.add(Violation.of("sources.allowInlineProvider", "spec.provider"));
        }
    }

    private static void limits(PolicyInput input, AgentPolicySpec policy, List<Violation> violations) {
        var limits = policy.getLimits();
        if (limits == null) {
            return;
        }
        var spec = input.spec();
        if (limits.getMaxTimeout() != null && input.timeout() != null
                && input.timeout().compareTo(Durations.parse(limits.getMaxTimeout())) > 0) {
            violations.add(Violation.of("limits.maxTimeout", spec.getTimeout() != null
                    ? "spec.timeout " + spec.getTimeout()
                    : "timeout " + input.timeout().toSeconds() + "s (the AgentConfig's defaultTimeout)"));
        }
        if (limits.getMaxBudgetUSD() != null) {
            var max = new BigDecimal(limits.getMaxBudgetUSD());
            if (input.maxBudgetUSD() == null) {
                violations.add(Violation.of("limits.maxBudgetUSD", "a run without maxBudgetUSD"));
            } else if (new BigDecimal(input.maxBudgetUSD()).compareTo(max) > 0) {
                violations.add(Violation.of("limits.maxBudgetUSD", spec.getMaxBudgetUSD() != null
                        ? "spec.maxBudgetUSD " + spec.getMaxBudgetUSD()
                        : "maxBudgetUSD " + input.maxBudgetUSD() + " (the AgentConfig's defaultMaxBudgetUSD)"));
            }
        }
        var resources = spec.getResources();
        if (resources == null) {
            return;
        }
        for (var part : List.of("requests", "limits")) {
            var values = "requests".equals(part) ? resources.getRequests() : resources.getLimits();
            quantity(violations, "limits.maxCPU", part, "cpu", values, limits.getMaxCPU());
            quantity(violations, "limits.maxMemory", part, "memory", values, limits.getMaxMemory());
        }
    }

    private static void quantity(List<Violation> violations, String rule, String part, String resource,
            Map<String, Quantity> values, String max) {
        if (max == null || values == null || values.get(resource) == null) {
            return;
        }
        var value = values.get(resource);
        if (value.getNumericalAmount().compareTo(new Quantity(max).getNumericalAmount()) > 0) {
            violations.add(Violation.of(rule, "spec.resources." + part + "." + resource + " " + value));
        }
    }

    private static void add(List<Violation> violations, String rule, String field, List<String> offending) {
        add(violations, rule, field, offending, "");
    }

    private static void add(List<Violation> violations, String rule, String field, List<String> offending,
            String note) {
        if (!offending.isEmpty()) {
            violations.add(Violation.of(rule, field + " " + String.join(", ", offending) + note));
        }
    }

    private static List<EnvVar> env(List<EnvVar> env) {
        return env == null ? List.of() : env.stream().filter(Objects::nonNull).toList();
    }

    private static Optional<String> name(SecretRef ref) {
        return ref == null ? Optional.empty() : Optional.ofNullable(ref.getName());
    }

    private static String tolerationKey(Toleration toleration) {
        return toleration.getKey() == null ? "<no key>" : toleration.getKey();
    }

    /** All violations in one sentence, for a run's status. */
    public static String describe(List<Violation> violations) {
        return violations.stream().map(Violation::message).collect(Collectors.joining("; "));
    }
}
