package com.xonovex.agentoperator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

/**
 * Startup of the packaged operator when an informer's first list fails: a transient failure is retried and the
 * operator starts once the list succeeds; a failure that lasts past the cache sync timeout fails startup with a
 * message naming the informer. The failure here is real and controllable: the operator's ServiceAccount may not list
 * pods until the test grants it. The second operator is a standby beside the shared one (the same Lease), so it
 * reconciles nothing.
 */
class OperatorStartIT extends E2eTest {
    private OperatorProcess second;

    @AfterEach
    void stopSecond() {
        if (second != null) {
            second.stop();
        }
    }

    private static boolean notAboutPods(PolicyRule rule) {
        return !rule.getResources().contains("pods");
    }

    private OperatorProcess operatorWithoutPodAccess(String account, Map<String, String> env) {
        Path kubeconfig = env().serviceAccountKubeconfig(account, OperatorStartIT::notAboutPods);
        return new OperatorProcess(env().project, env().cluster.work(), kubeconfig, account, env);
    }

    @Test
    void anInformerWhoseFirstListFailsRetriesAndTheOperatorStartsOnceItSucceeds() throws Exception {
        second = operatorWithoutPodAccess("late-pods", Map.of());
        second.start();
        // startup waits for the informers, so the operator is not ready (its HTTP server is not even listening yet)
        env().cluster.waitUntil(Duration.ofSeconds(60), "the second operator's log to show the pods list refused",
                () -> {
                    second.checkAlive();
                    return Processes.tail(Path.of(second.logName()), 400).contains("pods is forbidden");
                });
        var notReady = second.get("/q/health/ready");
        assertThat(notReady.code()).as(notReady.body()).isNotEqualTo(200);
        assertThat(second.alive()).isTrue();

        grantPodReading("late-pods");
        env().cluster.waitUntil(Duration.ofSeconds(60), "the second operator ready after the grant", () -> {
            second.checkAlive();
            var ready = second.get("/q/health/ready");
            return ready.code() == 200 && ready.body().contains("\"UP\"");
        });
        assertThat(second.logTail(400)).doesNotContain("did not sync");
    }

    @Test
    void anInformerThatNeverSyncsFailsStartupNamingItOnceTheCacheSyncTimeoutIsOver() throws Exception {
        second = operatorWithoutPodAccess("no-pods", Map.of("QUARKUS_OPERATOR_SDK_CACHE_SYNC_TIMEOUT", "5s"));
        second.start();
        var exit = second.awaitExit(Duration.ofSeconds(90));
        assertThat(exit).as("the operator's exit code\n" + second.logTail(80)).isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        var log = second.logTail(400);
        assertThat(log).contains("the operator's caches did not sync within quarkus.operator-sdk.cache-sync-timeout");
        // the informer it names is the one on pods, and only that one
        var line = log.lines().filter(l -> l.contains("did not sync")).findFirst().orElseThrow();
        assertThat(line).containsIgnoringCase("pod").doesNotContainIgnoringCase("job");
    }

    private void grantPodReading(String account) {
        var role = "read-pods-" + account;
        client().resource(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list", "watch").endRule()
                .build()).create();
        client().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role)
                .endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withNamespace(E2eEnvironment.OPERATOR_NAMESPACE)
                .withName(account).endSubject()
                .build()).create();
    }
}
