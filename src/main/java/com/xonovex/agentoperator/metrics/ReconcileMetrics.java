package com.xonovex.agentoperator.metrics;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * JOSDK's reconciliation metrics at /q/metrics, per controller and kind only. QOSDK's default collects them per
 * resource as well: a counter and a timer with a percentile histogram for every run, namespace and name, about 78
 * series a run, so /q/metrics grew by some 20 KB a run (105 MB per scrape at 5,000 runs) and the meters by ~15 KB of
 * heap a run, never removed while the run exists. The aggregates stay: reconciliations started, succeeded and failed,
 * retries, events received, execution times and queue sizes, per controller. Per-run state is in the runs' status
 * and in {@code agent_operator_runs{phase}}.
 */
@Singleton
public class ReconcileMetrics {
    @Produces
    @Singleton
    Metrics josdkMetrics(MeterRegistry registry) {
        return MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();
    }
}
