package com.xonovex.agentoperator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.reconciler.AgentRunReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the operator keeps per run stays small: /q/metrics does not grow with the number of runs, and the informer
 * caches hold no managedFields, no pod template and no prompt of a started run (README, "Speed and memory").
 */
@QuarkusTest
@QuarkusTestResource(KubeApiServerResource.class)
class OperatorFootprintTest extends OperatorTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @Inject
    Operator operator;

    private String scrape() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long series(String body) {
        return body.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
    }

    private void readyProvider() {
        secret("creds", "api-key");
        provider("gemini-provider", "creds", "api-key");
        awaitProviderReady();
    }

    private void awaitProviderReady() {
        await().atMost(TIMEOUT).until(() -> {
            var p = client.resources(AgentProvider.class).inNamespace(namespace).withName("gemini-provider").get();
            return p != null && p.getStatus() != null && p.getStatus().isReady();
        });
    }

    private void startRuns(String prefix, int n) {
        var names = IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
        for (var name : names) {
            var run = newRun(name);
            run.getSpec().setProviderRef("gemini-provider");
            create(run);
        }
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> client.resources(AgentRun.class)
                .inNamespace(namespace).list().getItems().stream().filter(r -> names.contains(r.getMetadata()
                        .getName()))
                .filter(r -> r.getStatus() != null && r.getStatus().getJobName() != null).count() == n);
    }

    @Test
    void metricsHaveNoSeriesPerRun() throws Exception {
        readyProvider();
        startRuns("first-", 3);
        // JOSDK's meters exist once a reconciliation of each kind has run
        await().atMost(TIMEOUT).until(() -> scrape().contains("operator_sdk_reconciliations_success"));
        var before = scrape();
        startRuns("more-", 20);
        var after = scrape();
        assertThat(after).doesNotContain(namespace).doesNotContain("more-1");
        // other tests' runs may still add a series for something they do first (an error, a deletion); twenty runs
        // with series per run would add hundreds
        assertThat(series(after)).isLessThanOrEqualTo(series(before) + 10);
        assertThat(after.length()).isLessThan(before.length() + 5_000);
    }

    @Test
    void cachesHoldNeitherManagedFieldsNorPodTemplatesNorPromptsOfStartedRuns() {
        readyProvider();
        startRuns("cached-", 1);
        var id = new ResourceID("cached-0", namespace);
        @SuppressWarnings("unchecked")
        var controller = (Controller<AgentRun>) operator.getRegisteredController(AgentRunReconciler.NAME).orElseThrow();
        var sources = controller.getEventSourceManager();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            var run = sources.getControllerEventSource().get(id).orElseThrow();
            assertThat(run.getStatus().getJobName()).isEqualTo("cached-0");
            assertThat(run.getSpec().getPrompt()).as("the prompt of a started run").isNull();
            assertThat(run.getMetadata().getManagedFields()).isNullOrEmpty();
            var job = ((InformerEventSource<Job, AgentRun>) sources.getEventSourceFor(Job.class, "jobs")).get(id)
                    .orElseThrow();
            assertThat(job.getSpec().getTemplate()).isNull();
            assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
            assertThat(job.getMetadata().getOwnerReferences()).hasSize(1);
            assertThat(job.getMetadata().getManagedFields()).isNullOrEmpty();
            var provider = ((InformerEventSource<AgentProvider, AgentRun>) sources
                    .getEventSourceFor(AgentProvider.class, "providers"))
                    .get(new ResourceID("gemini-provider", namespace)).orElseThrow();
            assertThat(provider.getMetadata().getManagedFields()).isNullOrEmpty();
        });
        // the API server does keep them: the operator only does not cache them
        List<HasMetadata> fromServer = List.of(get("cached-0"), client.batch().v1().jobs().inNamespace(namespace)
                .withName("cached-0").get());
        assertThat(fromServer).allSatisfy(r -> assertThat(r.getMetadata().getManagedFields()).isNotEmpty());
        assertThat(get("cached-0").getSpec().getPrompt()).isEqualTo("Fix the authentication bug");
    }
}
