package com.xonovex.agentoperator.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Operator-wide settings ({@code agent-operator.*} in application.properties, or {@code AGENT_OPERATOR_*} in the
 * environment). The namespaces the operator watches are QOSDK's {@code quarkus.operator-sdk.namespaces}.
 */
@ConfigMapping(prefix = "agent-operator")
public interface OperatorConfig {
    /**
     * Image of runs that name none and whose AgentConfig names none. It must contain {@code /bin/sh}, git, ssh and
     * the agent CLIs ({@code claude}, {@code opencode}) on the PATH, and run as a non-root user (uid 1000).
     */
    @WithDefault("ghcr.io/xonovex/agent-runner:latest")
    String defaultImage();

    /** Timeout of runs that name none and whose AgentConfig names none. */
    @WithDefault("1h")
    String defaultTimeout();

    /** Workspace size when the AgentConfig names none. */
    @WithDefault("10Gi")
    String defaultStorageSize();

    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** The non-root uid/gid of agent pods. */
    @WithDefault("1000")
    long runAsUser();

    /**
     * How long a run's pod may fail to pull its image (ErrImagePull, ImagePullBackOff) before the run fails: long
     * enough for a registry hiccup to heal, short enough that a wrong image name is reported within minutes.
     */
    @WithDefault("2m")
    Duration imagePullGrace();

    /** How long a run's pod may wait with a volume that does not mount (FailedMount events) before the run fails. */
    @WithDefault("3m")
    Duration mountGrace();

    /**
     * How long a new run waits for a Job of the same name that an earlier, deleted run of the same name still holds
     * (the garbage collector removes it, usually within seconds); then the run fails with NameConflict.
     */
    @WithDefault("2m")
    Duration previousJobGrace();

    /**
     * At most this many Secrets are watched at once for waiting runs and providers; beyond it, a waiting run looks
     * again every {@code secret-poll-interval} instead of being woken by its Secret.
     */
    @WithDefault("500")
    int maxSecretWatches();

    @WithDefault("30s")
    Duration secretPollInterval();

    LeaderElection leaderElection();

    interface LeaderElection {
        /** Off for a single replica that should start reconciling without waiting for a Lease. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("agent-operator-leader")
        String leaseName();

        /** Namespace of the lease; the namespace of the operator's kubeconfig context or pod when unset. */
        Optional<String> leaseNamespace();
    }
}
