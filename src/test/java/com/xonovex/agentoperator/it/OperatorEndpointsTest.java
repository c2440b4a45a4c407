package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.Phase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health for the kubelet's probes, Prometheus metrics for the runs. */
@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class OperatorEndpointsTest extends OperatorTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    private static HttpResponse<String> get(URL url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsUpOnceTheOperatorWatchesTheCluster() throws Exception {
        var readiness = get(ready);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\": \"UP\"");
        assertThat(get(live).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsCountRunsByPhaseTimeFinishedRunsAndAddUpTheirCostAndTokens() throws Exception {
        secret("creds", "api-key");
        provider("gemini-provider", "creds", "api-key");
        var run = newRun("measured");
        run.getSpec().setProviderRef("gemini-provider");
        create(run);
        var sim = new JobSimulator(client, namespace);
        await().atMost(TIMEOUT).until(() -> sim.job("measured") != null);
        var pod = sim.startPod("measured");
        sim.agentSucceeded(pod, "measured", "{\"agent\":\"claude\",\"exitCode\":0,\"isError\":false,"
                + "\"stopReason\":\"success\",\"summary\":\"Done.\",\"costUSD\":\"0.25\",\"inputTokens\":1200,"
                + "\"outputTokens\":340,\"cacheReadTokens\":7,\"turns\":3,\"sessionId\":\"sess-1\","
                + "\"models\":[\"claude-sonnet-4-5\"],\"durationMs\":4200}");
        var done = awaitPhase("measured", Phase.SUCCEEDED);
        var result = done.getStatus().getResult();
        assertThat(result.getCostUSD()).isEqualTo("0.25");
        assertThat(result.getInputTokens()).isEqualTo(1200L);
        assertThat(result.getTurns()).isEqualTo(3);
        assertThat(result.getSummary()).isEqualTo("Done.");
        assertThat(result.getModels()).containsExactly("claude-sonnet-4-5");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var body = get(metrics).body();
            assertThat(body).contains("agent_operator_cost_usd_total{agent=\"claude\",namespace=\"" + namespace
                    + "\",provider=\"gemini-provider\"} 0.25");
            assertThat(body).contains("agent_operator_tokens_total{agent=\"claude\",kind=\"input\",namespace=\""
                    + namespace + "\",provider=\"gemini-provider\"} 1200.0");
            assertThat(body).containsPattern("agent_operator_runs\\{phase=\"Succeeded\"} [1-9]");
            assertThat(body).contains("agent_operator_runs{phase=\"Pending\"}");
            assertThat(body).containsPattern(
                    "agent_operator_run_duration_seconds_count\\{agent=\"claude\",phase=\"Succeeded\"} [1-9]");
        });
    }
}
