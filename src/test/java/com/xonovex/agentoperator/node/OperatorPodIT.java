package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;

/**
 * The operator as users run it: installed with the Helm chart, its image built from src/main/docker/Dockerfile.jvm,
 * a pod under the chart's ServiceAccount, RBAC and security context (read-only root filesystem, non-root,
 * restricted), Ready through its probes, talking to the API server through the kubernetes Service (kube-proxy).
 */
class OperatorPodIT extends RealNodeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theChartsPodRunsRestrictedBecomesReadyAndServesMetrics() throws Exception {
        var pod = env().awaitOperatorReady(Duration.ofMinutes(2), null);
        var spec = pod.getSpec();
        var container = spec.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(env().operatorImage);
        assertThat(spec.getServiceAccountName()).isEqualTo("agent-operator");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
        var status = pod.getStatus().getContainerStatuses().get(0);
        assertThat(status.getReady()).isTrue();
        assertThat(status.getStarted()).isTrue();
        assertThat(status.getRestartCount()).as("restarts (probes failing?)%s", env().diagnostics()).isZero();

        // the kubelet ran the probes against these endpoints; the test asks them too, from the node
        var base = "http://" + pod.getStatus().getPodIP() + ":8080";
        assertThat(get(base + "/q/health/ready")).contains("\"UP\"");
        var metrics = get(base + "/q/metrics");
        assertThat(metrics).contains("agent_operator_runs").contains("jvm_memory_used_bytes");
        // what the JVM sees of its container: the limit from the chart, and the image's heap default (75% of it)
        var maxHeap = metrics.lines().filter(l -> l.startsWith("jvm_memory_max_bytes") && l.contains("heap\""))
                .toList();
        assertThat(maxHeap).as("heap max lines").isNotEmpty();

        var log = client().pods().inNamespace(RealNodeEnvironment.OPERATOR_NAMESPACE)
                .withName(pod.getMetadata().getName()).getLog();
        assertThat(log).doesNotContainIgnoringCase("forbidden").doesNotContain("Read-only file system");
    }

    @Test
    void aDeletedPodIsReplacedAndTheNewOneTakesTheLeaseAndCarriesOn() throws Exception {
        var first = env().awaitOperatorReady(Duration.ofMinutes(2), null);
        var firstName = first.getMetadata().getName();
        await(Duration.ofMinutes(1), "the lease held by " + firstName,
                () -> firstName.equals(leaseHolder()));

        client().pods().inNamespace(RealNodeEnvironment.OPERATOR_NAMESPACE).withName(firstName).delete();
        var second = env().awaitOperatorReady(Duration.ofMinutes(3), firstName);
        var secondName = second.getMetadata().getName();
        assertThat(secondName).isNotEqualTo(firstName);
        await(Duration.ofMinutes(2), "the lease taken by " + secondName, () -> secondName.equals(leaseHolder()));

        // and it reconciles: a run waiting for a provider that does not exist gets that status from the new leader
        var ns = newNamespace("after-restart");
        run(ns, "waits", AgentType.OPENCODE, RealNodeEnvironment.REPOSITORY, "5m");
        var run = awaitRun(ns, "waits", Duration.ofMinutes(1), "Pending with a reason",
                r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.PENDING
                        && r.getStatus().getConditions() != null && !r.getStatus().getConditions().isEmpty());
        assertThat(run.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Resolved");
            assertThat(c.getReason()).isEqualTo("ProviderNotFound");
        });
    }

    private String leaseHolder() {
        var lease = client().leases().inNamespace(RealNodeEnvironment.OPERATOR_NAMESPACE)
                .withName("agent-operator-leader").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private String get(String url) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }
}
