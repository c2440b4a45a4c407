package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The operator installed the way users install it: through OLM (v0), from a catalog. src/test/cluster/olm.sh runs OLM's
 * olm and catalog operators against the real node's control plane and a registry on the node's address; the test
 * pushes the operator image under the name the committed bundle's CSV gives it, builds the bundle image from
 * bundle/bundle.Dockerfile and a file-based catalog with opm, then subscribes: CatalogSource → OperatorGroup →
 * Subscription → InstallPlan → CSV Succeeded → the CSV's Deployment, ServiceAccount and RBAC → an AgentRun end to end.
 *
 * <p>The Helm-installed operator of the shared environment watches every namespace too, so it is scaled to zero while
 * this class runs (and back afterwards): every run here is reconciled by the operator OLM installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OlmInstallIT extends RealNodeTest {
    static final String OLM_NAMESPACE = "olm";
    static final String CATALOG_SOURCE = "agent-operator-catalog";
    static final String PACKAGE = "agent-operator";
    static final String CHANNEL = "alpha";

    String csvName;
    String operatorImage;

    @BeforeAll
    void olmAndTheCatalog() throws Exception {
        long t0 = System.nanoTime();
        var env = env();
        var up = Scripts.run(env.project, env.work, Duration.ofMinutes(10), "olm.sh", "up");
        check(up, "olm.sh up");
        var registry = up.value("REGISTRY");

        // the committed bundle, as it would be published: its CSV names the operator image on ghcr.io, which the
        // node's containerd takes from the local registry (a mirror)
        var csv = Serialization.unmarshal(Files.readString(env.project.resolve(
                "bundle/manifests/agent-operator.clusterserviceversion.yaml")), GenericKubernetesResource.class);
        csvName = csv.getMetadata().getName();
        operatorImage = csv.get("spec", "install", "spec", "deployments", 0, "spec", "template", "spec", "containers",
                0, "image");
        String version = csv.get("spec", "version");
        check(Scripts.run(env.project, env.work, Duration.ofMinutes(5), "olm.sh", "push", env.operatorImage,
                operatorImage), "olm.sh push");
        var bundle = Scripts.run(env.project, env.work, Duration.ofMinutes(5), "olm.sh", "bundle",
                env.project.resolve("bundle").toString(), registry + "/agent-operator-bundle:v" + version);
        check(bundle, "olm.sh bundle");
        var catalog = Scripts.run(env.project, env.work, Duration.ofMinutes(5), "olm.sh", "catalog",
                "agent-operator-catalog", CHANNEL, bundle.value("BUNDLE"));
        check(catalog, "olm.sh catalog");

        client().resource(yaml("""
                apiVersion: operators.coreos.com/v1alpha1
                kind: CatalogSource
                metadata: {name: %s, namespace: %s}
                spec:
                  sourceType: grpc
                  image: %s
                  displayName: Agent Operator (tier 4)
                  grpcPodConfig: {securityContextConfig: restricted}
                """.formatted(CATALOG_SOURCE, OLM_NAMESPACE, catalog.value("CATALOG")))).serverSideApply();
        await(Duration.ofMinutes(3), "CatalogSource " + CATALOG_SOURCE + " READY", () -> "READY".equals(
                field(olm("v1alpha1", "CatalogSource").inNamespace(OLM_NAMESPACE).withName(CATALOG_SOURCE).get(),
                        "status", "connectionState", "lastObservedState")));

        helmOperatorReplicas(0);
        try {
            await(Duration.ofMinutes(2), "the Helm-installed operator pod gone", () -> env.operatorPods().isEmpty());
        } catch (IllegalStateException e) {
            var deployment = client().apps().deployments().inNamespace(RealNodeEnvironment.OPERATOR_NAMESPACE)
                    .withName(RealNodeEnvironment.RELEASE).get();
            throw new IllegalStateException(e.getMessage() + "\ndeployment spec.replicas "
                    + deployment.getSpec().getReplicas() + ", status " + deployment.getStatus() + "\npods: "
                    + env.operatorPods().stream().map(p -> p.getMetadata().getName() + " deletion "
                            + p.getMetadata().getDeletionTimestamp() + " " + p.getStatus().getPhase() + " "
                            + p.getStatus().getContainerStatuses()).toList() + "\n" + env.diagnostics(), e);
        }
        System.err.printf("tier 4: OLM, the catalog %s and no Helm operator in %.1fs%n", catalog.value("CATALOG"),
                (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    void helmOperatorBack() {
        helmOperatorReplicas(1);
        env().awaitOperatorReady(Duration.ofMinutes(3), null);
    }

    @Test
    void allNamespacesSubscriptionInstallsTheCsvWhoseOperatorRunsAnAgentRun() throws Throwable {
        var ns = newNamespace("olm-all");
        installedIn(ns, () -> allNamespaces(ns));
    }

    void allNamespaces(String ns) throws Exception {
        operatorGroup(ns, null);
        subscribe(ns);
        var csv = awaitCsvSucceeded(ns);
        assertThat(csv.getMetadata().getAnnotations()).containsEntry("olm.targetNamespaces", "");
        assertThat(this.<String>field(csv, "status", "reason")).isEqualTo("InstallSucceeded");

        var pod = operatorPod(ns);
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("agent-operator");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(operatorImage);
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("olm.targetNamespaces", "");
        // the CSV's permissions, which OLM grants cluster-wide for AllNamespaces: it may manage Jobs and read
        // AgentRuns anywhere, and no more than asked (it cannot delete namespaces)
        var sa = "system:serviceaccount:" + ns + ":agent-operator";
        var anywhere = "ns-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(allowed(sa, anywhere, "batch", "jobs", "create")).isTrue();
        assertThat(allowed(sa, anywhere, "agent.xonovex.com", "agentruns", "watch")).isTrue();
        // (the CSV asks these as namespaced permissions: for AllNamespaces OLM grants them cluster-wide)
        assertThat(allowed(sa, null, "", "secrets", "watch")).isTrue();
        assertThat(allowed(sa, null, "", "namespaces", "delete")).isFalse();
        // the leader-election lease is one of those permissions too: for AllNamespaces OLM grants it everywhere
        // (OwnNamespace below checks that it stays in the target namespace otherwise)
        assertThat(allowed(sa, ns, "coordination.k8s.io", "leases", "update")).isTrue();

        var runNs = newNamespace("olm-run");
        var run = runEndToEnd(runNs);
        assertThat(operatorLog(ns, pod)).doesNotContainIgnoringCase("forbidden");
        assertThat(run).isNotNull();
    }

    @Test
    void ownNamespaceSubscriptionWatchesOnlyItsNamespace() throws Throwable {
        var ns = newNamespace("olm-own");
        installedIn(ns, () -> ownNamespace(ns));
    }

    /** Runs the test's body, then uninstalls (a failure to uninstall is added to the body's failure, not hiding it). */
    void installedIn(String ns, org.junit.jupiter.api.function.Executable body) throws Throwable {
        try {
            body.execute();
        } catch (Throwable t) {
            try {
                uninstall(ns);
            } catch (RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        uninstall(ns);
    }

    void ownNamespace(String ns) throws Exception {
        operatorGroup(ns, ns);
        subscribe(ns);
        var csv = awaitCsvSucceeded(ns);
        assertThat(csv.getMetadata().getAnnotations()).containsEntry("olm.targetNamespaces", ns);
        var pod = operatorPod(ns);
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("olm.targetNamespaces", ns);
        // the CSV's permissions (all but the CRD check) are granted in the target namespace only
        var sa = "system:serviceaccount:" + ns + ":agent-operator";
        var elsewhere = "ns-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(allowed(sa, ns, "batch", "jobs", "create")).isTrue();
        assertThat(allowed(sa, ns, "", "secrets", "get")).isTrue();
        assertThat(allowed(sa, elsewhere, "batch", "jobs", "create")).as("Jobs outside the target namespace").isFalse();
        assertThat(allowed(sa, elsewhere, "", "secrets", "get")).as("Secrets outside the target namespace").isFalse();
        assertThat(allowed(sa, null, "", "secrets", "watch")).as("Secrets cluster-wide").isFalse();
        assertThat(allowed(sa, null, "apiextensions.k8s.io", "customresourcedefinitions", "get")).isTrue();
        assertThat(allowed(sa, ns, "coordination.k8s.io", "leases", "update")).isTrue();
        assertThat(allowed(sa, elsewhere, "coordination.k8s.io", "leases", "update")).isFalse();

        runEndToEnd(ns);
        // a run outside the target namespace is not the operator's: it gets no status at all
        var other = newNamespace("olm-other");
        provider(other, PROVIDER, fakeApi(AgentType.CLAUDE, "unused\n"), Map.of());
        run(other, "not-watched", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "5m");
        RealNodeEnvironment.sleep(15_000);
        assertThat(get(other, "not-watched").getStatus()).as("status of a run outside the OperatorGroup").isNull();
        assertThat(client().batch().v1().jobs().inNamespace(other).list().getItems()).isEmpty();
        // the next operator (of another test) would take it up
        client().namespaces().withName(other).delete();
    }

    // --- install -----------------------------------------------------------------------------------------------

    void operatorGroup(String ns, String target) {
        client().resource(yaml("""
                apiVersion: operators.coreos.com/v1
                kind: OperatorGroup
                metadata: {name: agent-operator, namespace: %s}
                spec: %s
                """.formatted(ns, target == null ? "{}" : "{targetNamespaces: [" + target + "]}"))).create();
    }

    /** A Subscription as users write it; its config sets the runs' default image to the locally built runner. */
    void subscribe(String ns) {
        client().resource(yaml("""
                apiVersion: operators.coreos.com/v1alpha1
                kind: Subscription
                metadata: {name: agent-operator, namespace: %s}
                spec:
                  channel: %s
                  name: %s
                  source: %s
                  sourceNamespace: %s
                  installPlanApproval: Automatic
                  config:
                    env:
                      - {name: AGENT_OPERATOR_DEFAULT_IMAGE, value: "%s"}
                """.formatted(ns, CHANNEL, PACKAGE, CATALOG_SOURCE, OLM_NAMESPACE, env().runnerImage))).create();
    }

    GenericKubernetesResource awaitCsvSucceeded(String ns) {
        long t0 = System.nanoTime();
        var csvs = olm("v1alpha1", "ClusterServiceVersion").inNamespace(ns);
        try {
            await(Duration.ofMinutes(6), "CSV " + ns + "/" + csvName + " Succeeded",
                    () -> "Succeeded".equals(field(csvs.withName(csvName).get(), "status", "phase")));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + olmState(ns), e);
        }
        System.err.printf("tier 4: %s Succeeded in %s after %.1fs%n", csvName, ns, (System.nanoTime() - t0) / 1e9);
        var subscription = olm("v1alpha1", "Subscription").inNamespace(ns).withName("agent-operator").get();
        assertThat(this.<String>field(subscription, "status", "installedCSV")).isEqualTo(csvName);
        return csvs.withName(csvName).get();
    }

    /**
     * The operator pod, once it is the only one and carries the Subscription's config. OLM (v0.38) creates the CSV's
     * Deployment first without the Subscription's {@code config.env} and adds it in a second revision, so for a while
     * after the CSV is Succeeded a pod with the CSV's own default image may run (and reconcile runs).
     */
    Pod operatorPod(String ns) {
        var pods = operatorPods(ns);
        await(Duration.ofMinutes(4), "one Ready operator pod in " + ns + " with the Subscription's config", () -> {
            var list = pods.list().getItems();
            return list.size() == 1 && RealNodeEnvironment.ready(list.get(0))
                    && list.get(0).getMetadata().getDeletionTimestamp() == null
                    && list.get(0).getSpec().getContainers().get(0).getEnv().stream()
                            .anyMatch(e -> e.getName().equals("AGENT_OPERATOR_DEFAULT_IMAGE")
                                    && env().runnerImage.equals(e.getValue()));
        });
        return pods.list().getItems().get(0);
    }

    /** The operator's pods in ns: labelled like the runs' pods (app.kubernetes.io/name), but not a Job's. */
    FilterWatchListDeletable<Pod, PodList, PodResource> operatorPods(String ns) {
        return client().pods().inNamespace(ns).withLabel("app.kubernetes.io/name", "agent-operator")
                .withoutLabel("batch.kubernetes.io/job-name");
    }

    /**
     * As users uninstall: the Subscription, then the CSV (OLM deletes its Deployment and RBAC); then the OperatorGroup,
     * whose APIs would otherwise conflict with the next test's group (InterOperatorGroupOwnerConflict), and the
     * namespace.
     */
    void uninstall(String ns) {
        olm("v1alpha1", "Subscription").inNamespace(ns).withName("agent-operator").delete();
        olm("v1alpha1", "ClusterServiceVersion").inNamespace(ns).withName(csvName).delete();
        // the garbage collector deletes the Deployment, then its pod, which stops within its grace period (slow on a
        // loaded node)
        await(Duration.ofMinutes(5), "the operator of " + ns + " gone",
                () -> operatorPods(ns).list().getItems().isEmpty());
        olm("v1", "OperatorGroup").inNamespace(ns).withName("agent-operator").delete();
        await(Duration.ofMinutes(1), "the OperatorGroup of " + ns + " gone",
                () -> olm("v1", "OperatorGroup").inNamespace(ns).withName("agent-operator").get() == null);
        client().namespaces().withName(ns).delete();
    }

    // --- a run -------------------------------------------------------------------------------------------------

    /** As AgentRunIT, with the OLM-installed operator: clone, the real CLI writes the file, Succeeded. */
    com.xonovex.agentoperator.api.AgentRun runEndToEnd(String ns) throws Exception {
        var content = "written under OLM " + UUID.randomUUID() + "\n";
        provider(ns, PROVIDER, fakeApi(AgentType.CLAUDE, content), Map.of());
        run(ns, "olm-run", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "5m");
        var run = awaitTerminal(ns, "olm-run", Duration.ofMinutes(5));
        assertThat(run.getStatus().getPhase()).as("phase%s", describe(ns, run)).isEqualTo(Phase.SUCCEEDED);
        var repo = workspace(ns, run).resolve("repo");
        assertThat(repo.resolve(WRITTEN)).as("the file the agent wrote%s", describe(ns, run)).exists();
        assertThat(Files.readString(repo.resolve(WRITTEN))).isEqualTo(content);
        // the default image came from the Subscription's config
        var job = client().batch().v1().jobs().inNamespace(ns).withName(run.getStatus().getJobName()).get();
        assertThat(job.getSpec().getTemplate().getSpec().getContainers()).extracting("image")
                .contains(env().runnerImage);
        return run;
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> olm(
            String version, String kind) {
        return client().genericKubernetesResources("operators.coreos.com/" + version, kind);
    }

    static GenericKubernetesResource yaml(String text) {
        return Serialization.unmarshal(text, GenericKubernetesResource.class);
    }

    @SuppressWarnings("unchecked")
    <T> T field(GenericKubernetesResource resource, Object... path) {
        return resource == null ? null : (T) resource.get(path);
    }

    boolean allowed(String user, String ns, String group, String resource, String verb) {
        var review = client().authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(user).withGroups("system:serviceaccounts", "system:authenticated")
                .withNewResourceAttributes().withNamespace(ns).withGroup(group).withResource(resource).withVerb(verb)
                .endResourceAttributes().endSpec().build());
        return review.getStatus().getAllowed();
    }

    void helmOperatorReplicas(int replicas) {
        client().apps().deployments().inNamespace(RealNodeEnvironment.OPERATOR_NAMESPACE)
                .withName(RealNodeEnvironment.RELEASE).edit(d -> {
                    d.getSpec().setReplicas(replicas);
                    return d;
                });
    }

    String operatorLog(String ns, Pod pod) {
        return client().pods().inNamespace(ns).withName(pod.getMetadata().getName()).getLog();
    }

    /** OLM's objects and its operators' logs, for a failed wait. */
    String olmState(String ns) {
        var sb = new StringBuilder();
        for (var kind : List.of("Subscription", "InstallPlan", "ClusterServiceVersion")) {
            try {
                for (var r : olm("v1alpha1", kind).inNamespace(ns).list().getItems()) {
                    sb.append("----- ").append(kind).append(' ').append(r.getMetadata().getName()).append(": ")
                            .append(field(r, "status", "phase") + " " + field(r, "status", "state") + " "
                                    + field(r, "status", "reason") + " " + field(r, "status", "message"))
                            .append('\n');
                }
            } catch (RuntimeException e) {
                sb.append("(cannot list ").append(kind).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        for (var log : List.of("olm", "catalog")) {
            sb.append("----- ").append(log).append(" -----\n").append(Scripts.tail(env().state.resolve(log + ".log")))
                    .append('\n');
        }
        return sb.toString();
    }

    static void check(Scripts.Result result, String what) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(what + " failed with exit " + result.exitCode() + ":\n" + result.log());
        }
    }
}
