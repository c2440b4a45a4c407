package com.xonovex.agentoperator.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import io.micrometer.core.instrument.Gauge;
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
}
