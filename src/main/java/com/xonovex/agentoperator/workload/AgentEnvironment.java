package com.xonovex.agentoperator.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.resolve.ResolvedRun;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;

/**
 * The agent container's environment. Precedence, lowest first: the agent's headless defaults, the AgentConfig's
 * env, the provider's environment, the run's env. Then the agent may translate plain values it needs in another form
 * (see {@link com.xonovex.agentoperator.agent.AgentAdapter#derivedEnv}). HOME, the token variable and
 * AGENT_SECRET_ENVS are the operator's: the token comes only as a secretKeyRef, so its value never appears in the Job.
 */
public final class AgentEnvironment {
    public static final String HOME = "/home/agent";
    /** Names of the variables that hold Secret values, for the wrapper (run-agent.sh); set by the operator only. */
    public static final String SECRET_ENVS = "AGENT_SECRET_ENVS";
    /** Variables that steer run-agent.sh; only the operator sets them (AgentJobBuilder adds the deadline ones). */
    static final java.util.Set<String> RESERVED = java.util.Set.of("PROMPT_FILE", "AGENT_TRANSCRIPT",
            "TERMINATION_LOG", "AGENT_DEADLINE_SECONDS", "AGENT_KILL_GRACE_SECONDS", "AGENT_ALWAYS_SUCCEED");

    private AgentEnvironment() {
    }

    public static List<EnvVar> build(AgentRun run, ResolvedRun resolved) {
        var env = new LinkedHashMap<String, EnvVar>();
        resolved.agent().defaultEnv().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> env.put(e.getKey(), plain(e.getKey(), e.getValue())));
        resolved.namespaceEnv().forEach(e -> env.put(e.getName(), e));
        resolved.provider().environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> env.put(e.getKey(), plain(e.getKey(), e.getValue())));
        if (run.getSpec().getEnv() != null) {
            run.getSpec().getEnv().forEach(e -> env.put(e.getName(), e));
        }
        var plainValues = new LinkedHashMap<String, String>();
        env.values().stream().filter(e -> e.getValueFrom() == null && e.getValue() != null)
                .forEach(e -> plainValues.put(e.getName(), e.getValue()));
        // a variable set from a Secret or ConfigMap is the user's to keep
        resolved.agent().derivedEnv(plainValues).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !env.containsKey(e.getKey()) || env.get(e.getKey()).getValueFrom() == null)
                .forEach(e -> env.put(e.getKey(), plain(e.getKey(), e.getValue())));
        // the wrapper's own settings are the operator's: no env may move the prompt, transcript or result
        RESERVED.forEach(env::remove);
        env.put("HOME", plain("HOME", HOME));
        var token = resolved.provider().authTokenSecretRef();
        var tokenEnv = resolved.provider().tokenEnv();
        if (token != null) {
            env.remove(tokenEnv);
            env.put(tokenEnv, new EnvVarBuilder().withName(tokenEnv)
                    .withNewValueFrom().withNewSecretKeyRef(token.getKey(), token.getName(), false).endValueFrom()
                    .build());
        }
        // run-agent.sh keeps the values of these variables out of the termination message (names only, never values)
        env.remove(SECRET_ENVS);
        var secretNames = env.values().stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(EnvVar::getName).sorted().toList();
        if (!secretNames.isEmpty()) {
            env.put(SECRET_ENVS, plain(SECRET_ENVS, String.join(" ", secretNames)));
        }
        return new ArrayList<>(env.values());
    }

    private static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}
