package com.xonovex.agentoperator.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import com.xonovex.agentoperator.api.RunResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus metrics at /q/metrics: {@code agent_operator_runs{phase}} counts the runs the operator sees, from its
 * own cache (no extra API calls); {@code agent_operator_run_duration_seconds{agent,phase}} times finished runs.
 */
@ApplicationScoped
public class RunMetrics {
    private final MeterRegistry registry;
    private final AtomicReference<Supplier<Stream<AgentRun>>> runs = new AtomicReference<>(Stream::empty);

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Phase phase : Phase.values()) {
            Gauge.builder("agent_operator_runs", this, m -> m.count(phase))
                    .description("AgentRuns by phase, as seen by the operator")
                    .tag("phase", phase.value())
                    .register(registry);
        }
    }

    /** Called once the operator's AgentRun cache exists. */
    public void watch(Supplier<Stream<AgentRun>> cache) {
        runs.set(cache);
    }

    long count(Phase phase) {
        return runs.get().get().filter(r -> r.getStatus() != null && r.getStatus().getPhase() == phase).count();
    }

    /** Records how long a run took, from its start to its end, when it reaches a terminal phase. */
    public void finished(String agent, Phase phase, String startTime, String completionTime) {
        if (startTime == null || completionTime == null) {
            return;
        }
        var duration = Duration.between(Instant.parse(startTime), Instant.parse(completionTime));
        Timer.builder("agent_operator_run_duration")
                .description("Duration of finished AgentRuns")
                .tag("agent", agent == null ? "unknown" : agent)
                .tag("phase", phase.value())
                .publishPercentileHistogram()
                .register(registry)
                .record(duration.isNegative() ? Duration.ZERO : duration);
    }

    /**
     * Adds a finished run's cost and tokens, as its agent reported them, to {@code agent_operator_cost_usd_total}
     * and {@code agent_operator_tokens_total{kind}}, by namespace, agent and provider (a handful of series per
     * namespace, none per run). Called once per run, when it reaches a terminal phase.
     */
    public void spent(String namespace, String agent, String provider, RunResult result) {
        if (result == null) {
            return;
        }
        var tags = Tags.of("namespace", namespace, "agent", agent == null ? "unknown" : agent, "provider",
                provider == null ? "unknown" : provider);
        if (result.getCostUSD() != null) {
            try {
                var cost = Double.parseDouble(result.getCostUSD());
                if (cost >= 0 && Double.isFinite(cost)) {
                    Counter.builder("agent_operator_cost_usd").description("US dollars spent by finished runs, as "
                            + "their agents reported").tags(tags).register(registry).increment(cost);
                }
            } catch (NumberFormatException e) {
                // the parser already dropped what is not a decimal; nothing to add
            }
        }
        tokens(tags, "input", result.getInputTokens());
        tokens(tags, "output", result.getOutputTokens());
        tokens(tags, "cache_read", result.getCacheReadTokens());
        tokens(tags, "cache_creation", result.getCacheCreationTokens());
    }

    private void tokens(Tags tags, String kind, Long count) {
        if (count != null && count > 0) {
            Counter.builder("agent_operator_tokens").description("Tokens used by finished runs, as their agents "
                    + "reported").tags(tags.and("kind", kind)).register(registry).increment(count);
        }
    }
}
