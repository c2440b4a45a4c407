package com.xonovex.agentoperator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.AgentType;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The operator installed the way users install it: through OLM (v0), from a catalog. src/test/cluster/olm.sh runs OLM's
 * olm and catalog operators against the real node's control plane and a registry on the node's address; the test
 * pushes the operator image under the name the committed bundle's CSV gives it, builds the bundle image from
 * bundle/bundle.Dockerfile and a file-based catalog with opm, then subscribes: CatalogSource → OperatorGroup →
 * Subscription → InstallPlan → CSV Succeeded → the CSV's Deployment, ServiceAccount and RBAC → an AgentRun end to end.
 *
 * <p>The catalog's channel holds a second version made from the committed bundle as a release would make it (CSV
 * {@value #UPGRADE_CSV}, {@code replaces} the committed CSV, an {@code olm.skipRange}, the operator image under its
 * own tag): the AllNamespaces test installs the committed version (startingCSV, Manual approval), upgrades to the
 * second while an agent is running and checks the run carries on; the OwnNamespace test subscribes without a starting
 * CSV and gets the channel's head.
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
    /** The second version: its CSV name, and the tag of the operator image it names. */
    static final String UPGRADE_VERSION = "0.1.1";
    static final String UPGRADE_CSV = "agent-operator.v" + UPGRADE_VERSION;

    /** The committed bundle's CSV and the operator image it names. */
    String csvName;
    String operatorImage;
    /** The operator image the second version names (the same image under another tag). */
    String upgradeImage;

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
        // the next release: the same manifests, a new CSV that replaces this one, its own operator image tag
        upgradeImage = operatorImage.substring(0, operatorImage.lastIndexOf(':') + 1) + UPGRADE_VERSION;
        check(Scripts.run(env.project, env.work, Duration.ofMinutes(5), "olm.sh", "push", env.operatorImage,
                upgradeImage), "olm.sh push");
        var upgradeDir = upgradeBundle(env.project.resolve("bundle"), env.work.resolve("bundle-v" + UPGRADE_VERSION),
                version);
        var upgrade = Scripts.run(env.project, env.work, Duration.ofMinutes(5), "olm.sh", "bundle",
                upgradeDir.toString(), registry + "/agent-operator-bundle:v" + UPGRADE_VERSION);
        check(upgrade, "olm.sh bundle");
        var catalog = Scripts.run(env.project, env.work, Duration.ofMinutes(5), "olm.sh", "catalog",
                "agent-operator-catalog", CHANNEL, bundle.value("BUNDLE"), upgrade.value("BUNDLE"));
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

    /**
     * AllNamespaces, then the upgrade: the committed version installed (Manual approval, so that OLM holds the next
     * version until the test approves it), a run whose agent waits for the model's answer, the upgrade approved; the
     * second CSV replaces the first, its operator pod takes over, and the run that was in flight finishes on the same
     * Job, as does a new one.
     */
    @Test
    void allNamespacesSubscriptionInstallsTheCsvWhoseOperatorRunsAnAgentRunAndUpgradesWhileItRuns() throws Throwable {
        var ns = newNamespace("olm-all");
        installedIn(ns, () -> allNamespacesThenUpgrade(ns));
    }

    void allNamespacesThenUpgrade(String ns) throws Exception {
        operatorGroup(ns, null);
        subscribe(ns, "Manual", csvName);
        var first = awaitInstallPlan(ns, csvName);
        assertThat(this.<List<String>>field(first, "spec", "clusterServiceVersionNames")).containsExactly(csvName);
        approve(ns, first);
        var csv = awaitCsvSucceeded(ns, csvName);
        assertThat(csv.getMetadata().getAnnotations()).containsEntry("olm.targetNamespaces", "");
        assertThat(this.<String>field(csv, "status", "reason")).isEqualTo("InstallSucceeded");

        var pod = operatorPod(ns, operatorImage);
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("agent-operator");
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

        // the catalog's next version (it replaces the installed one) waits for approval
        var upgrade = awaitInstallPlan(ns, UPGRADE_CSV);
        assertThat(this.<List<String>>field(upgrade, "spec", "clusterServiceVersionNames"))
                .containsExactly(UPGRADE_CSV);
        assertThat(this.<Boolean>field(upgrade, "spec", "approved")).isFalse();

        // a run whose agent is waiting for the model's answer, reconciled by the first version's operator
        var runNs = newNamespace("olm-run");
        var content = "written across an upgrade " + UUID.randomUUID() + "\n";
        var api = fakeApi(AgentType.CLAUDE, content).hold();
        provider(runNs, PROVIDER, api, Map.of());
        try (var statuses = new StatusWatch(runNs, "in-flight")) {
            run(runNs, "in-flight", AgentType.CLAUDE, RealNodeEnvironment.REPOSITORY, "10m");
            var running = awaitRun(runNs, "in-flight", Duration.ofMinutes(3), "the agent waiting for the model",
                    r -> r.getStatus() != null && r.getStatus().getPhase() == Phase.RUNNING && api.received() > 0);
            var job = client().batch().v1().jobs().inNamespace(runNs).withName(running.getStatus().getJobName()).get();
            assertThat(operatorLog(ns, pod)).doesNotContainIgnoringCase("forbidden");
            assertThat(olm("v1alpha1", "ClusterServiceVersion").inNamespace(ns).withName(UPGRADE_CSV).get())
                    .as("the second CSV before the upgrade is approved").isNull();

            var deployment = client().apps().deployments().inNamespace(ns).withName("agent-operator").get();
            long t0 = System.nanoTime();
            approve(ns, upgrade);
            var upgraded = awaitCsvSucceeded(ns, UPGRADE_CSV);
            assertThat(this.<String>field(upgraded, "spec", "replaces")).isEqualTo(csvName);
            await(Duration.ofMinutes(3), "CSV " + csvName + " replaced and deleted",
                    () -> olm("v1alpha1", "ClusterServiceVersion").inNamespace(ns).withName(csvName).get() == null);
            var newPod = operatorPod(ns, upgradeImage);
            System.err.printf("tier 4: upgraded to %s, its operator pod Ready, in %.1fs%n", UPGRADE_CSV,
                    (System.nanoTime() - t0) / 1e9);
            assertThat(newPod.getMetadata().getUid()).isNotEqualTo(pod.getMetadata().getUid());
            // the same Deployment, updated in place (a rolling update) and now owned by the second CSV
            var updated = client().apps().deployments().inNamespace(ns).withName("agent-operator").get();
            assertThat(updated.getMetadata().getUid()).isEqualTo(deployment.getMetadata().getUid());
            assertThat(deployment.getMetadata().getLabels()).containsEntry("olm.owner", csvName);
            assertThat(updated.getMetadata().getLabels()).containsEntry("olm.owner", UPGRADE_CSV);
            assertThat(client().pods().inNamespace(ns).withName(pod.getMetadata().getName()).get())
                    .as("the first version's operator pod").isNull();
            // the first operator is gone: from here only the second one can move the run on
            assertThat(get(runNs, "in-flight").getStatus().getPhase()).isEqualTo(Phase.RUNNING);

            api.release();
            var run = awaitTerminal(runNs, "in-flight", Duration.ofMinutes(4));
            assertThat(run.getStatus().getPhase()).as("phase%s", describe(runNs, run)).isEqualTo(Phase.SUCCEEDED);
            assertThat(Files.readString(workspace(runNs, run).resolve("repo").resolve(WRITTEN))).isEqualTo(content);
            // the same Job and pod throughout, no second Job, and a status that only went forward
            assertThat(client().batch().v1().jobs().inNamespace(runNs).list().getItems())
                    .extracting(j -> j.getMetadata().getUid()).containsExactly(job.getMetadata().getUid());
            assertThat(run.getStatus().getJobName()).isEqualTo(running.getStatus().getJobName());
            assertThat(run.getStatus().getPodName()).isEqualTo(running.getStatus().getPodName());
            assertThat(run.getStatus().getStartTime()).isEqualTo(running.getStatus().getStartTime());
            var seen = statuses.seen();
            System.err.printf("tier 4: the run in flight across the upgrade: %s%n", seen);
            var phases = new java.util.ArrayList<Phase>();
            seen.forEach(s -> {
                if (phases.isEmpty() || phases.get(phases.size() - 1) != s.phase()) {
                    phases.add(s.phase());
                }
            });
            // each phase once, in the lifecycle's order (a run that went back, or started over, would show one twice)
            assertThat(phases).as("statuses the watch saw: %s", seen).doesNotHaveDuplicates()
                    .isSortedAccordingTo(java.util.Comparator.comparing(Phase::ordinal))
                    .endsWith(Phase.RUNNING, Phase.SUCCEEDED);
            assertThat(seen).as("statuses the watch saw").allSatisfy(s -> assertThat(s.jobName())
                    .isIn(null, running.getStatus().getJobName()));
            assertThat(seen).as("statuses the watch saw").filteredOn(s -> s.phase() == Phase.RUNNING)
                    .allSatisfy(s -> assertThat(s.podName()).isEqualTo(running.getStatus().getPodName()));
        }

        // and a new run, on the second version
        runEndToEnd(newNamespace("olm-next"));
        assertThat(operatorLog(ns, operatorPod(ns, upgradeImage))).doesNotContainIgnoringCase("forbidden");
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

    /** A Subscription as most users write one (Automatic, no starting CSV): it installs the channel's head. */
    void ownNamespace(String ns) throws Exception {
        operatorGroup(ns, ns);
        subscribe(ns, "Automatic", null);
        var csv = awaitCsvSucceeded(ns, UPGRADE_CSV);
        assertThat(csv.getMetadata().getAnnotations()).containsEntry("olm.targetNamespaces", ns);
        var pod = operatorPod(ns, upgradeImage);
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

    /**
     * The next release's bundle, made from the committed one as a release would make it: the CSV named and versioned
     * {@value #UPGRADE_VERSION}, {@code spec.replaces} the committed CSV (the catalog's channel entry says so too),
     * {@code olm.skipRange} covering every earlier version (with their pre-releases, such as 0.1.0-SNAPSHOT), the
     * operator image under the new tag. Everything else, CRDs included, is the committed bundle's.
     */
    Path upgradeBundle(Path committed, Path dir, String version) throws IOException {
        try (var files = Files.walk(committed)) {
            for (var file : files.toList()) {
                var target = dir.resolve(committed.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        var csvFile = dir.resolve("manifests/agent-operator.clusterserviceversion.yaml");
        var text = Files.readString(csvFile);
        text = replaceOnce(text, "(?m)^  name: " + Pattern.quote(csvName) + "$", "  name: " + UPGRADE_CSV);
        text = replaceOnce(text, "(?m)^  version: " + Pattern.quote(version) + "$", "  version: " + UPGRADE_VERSION);
        text = replaceOnce(text, "(?m)^spec:$", "spec:\n  replaces: " + csvName);
        var minor = UPGRADE_VERSION.substring(0, UPGRADE_VERSION.lastIndexOf('.'));
        text = replaceOnce(text, "(?m)^metadata:\n  annotations:$",
                "metadata:\n  annotations:\n    olm.skipRange: '>=" + minor + ".0-0 <" + UPGRADE_VERSION + "'");
        assertThat(text).contains(operatorImage);
        text = text.replace(operatorImage, upgradeImage);
        Files.writeString(csvFile, text);
        return dir;
    }

    static String replaceOnce(String text, String regex, String replacement) {
        var matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.results().count()).as("matches of %s in the CSV", regex).isEqualTo(1);
        return Pattern.compile(regex).matcher(text).replaceFirst(Matcher.quoteReplacement(replacement));
    }

    void operatorGroup(String ns, String target) {
        client().resource(yaml("""
                apiVersion: operators.coreos.com/v1
                kind: OperatorGroup
                metadata: {name: agent-operator, namespace: %s}
                spec: %s
                """.formatted(ns, target == null ? "{}" : "{targetNamespaces: [" + target + "]}"))).create();
    }

    /**
     * A Subscription as users write it (approval Automatic or Manual, a starting CSV or the channel's head); its
     * config sets the runs' default image to the locally built runner.
     */
    void subscribe(String ns, String approval, String startingCsv) {
        client().resource(yaml("""
                apiVersion: operators.coreos.com/v1alpha1
                kind: Subscription
                metadata: {name: agent-operator, namespace: %s}
                spec:
                  channel: %s
                  name: %s
                  source: %s
                  sourceNamespace: %s
                  installPlanApproval: %s%s
                  config:
                    env:
                      - {name: AGENT_OPERATOR_DEFAULT_IMAGE, value: "%s"}
                """.formatted(ns, CHANNEL, PACKAGE, CATALOG_SOURCE, OLM_NAMESPACE, approval,
                startingCsv == null ? "" : "\n  startingCSV: " + startingCsv, env().runnerImage))).create();
    }

    /** The InstallPlan in ns that installs csv, once OLM has made it. */
    GenericKubernetesResource awaitInstallPlan(String ns, String csv) {
        var plans = olm("v1alpha1", "InstallPlan").inNamespace(ns);
        java.util.function.Supplier<java.util.Optional<GenericKubernetesResource>> plan = () -> plans.list().getItems()
                .stream().filter(p -> this.<List<String>>field(p, "spec", "clusterServiceVersionNames") != null
                        && this.<List<String>>field(p, "spec", "clusterServiceVersionNames").contains(csv))
                .findFirst();
        try {
            await(Duration.ofMinutes(3), "an InstallPlan in " + ns + " for " + csv, () -> plan.get().isPresent());
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + olmState(ns), e);
        }
        return plan.get().orElseThrow();
    }

    /** Approves an InstallPlan: {@code kubectl patch installplan NAME --type merge -p '{"spec":{"approved":true}}'}. */
    void approve(String ns, GenericKubernetesResource plan) {
        olm("v1alpha1", "InstallPlan").inNamespace(ns).withName(plan.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"approved\":true}}");
    }

    GenericKubernetesResource awaitCsvSucceeded(String ns, String csvName) {
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
     * The operator pod, once it is the only one, runs {@code image} and carries the Subscription's config. OLM (v0.38)
     * creates the CSV's Deployment first without the Subscription's {@code config.env} and adds it in a second
     * revision, so for a while after the CSV is Succeeded a pod with the CSV's own default image may run (and
     * reconcile runs).
     */
    Pod operatorPod(String ns, String image) {
        var pods = operatorPods(ns);
        await(Duration.ofMinutes(4), "one Ready operator pod in " + ns + " running " + image
                + " with the Subscription's config", () -> {
                    var list = pods.list().getItems();
                    return list.size() == 1 && RealNodeEnvironment.ready(list.get(0))
                            && list.get(0).getMetadata().getDeletionTimestamp() == null
                            && list.get(0).getSpec().getContainers().get(0).getImage().equals(image)
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
        // whichever version is installed (both, if an upgrade stopped half-way)
        olm("v1alpha1", "ClusterServiceVersion").inNamespace(ns).delete();
        // the garbage collector deletes the Deployment, then its pod, which stops within its grace period (slow on a
        // loaded node)
        await(Duration.ofMinutes(5), "the operator of " + ns + " gone",
                () -> operatorPods(ns).list().getItems().isEmpty());
        olm("v1", "OperatorGroup").inNamespace(ns).withName("agent-operator").delete();
        await(Duration.ofMinutes(1), "the OperatorGroup of " + ns + " gone",
                () -> olm("v1", "OperatorGroup").inNamespace(ns).withName("agent-operator").get() == null);
        client().namespaces().withName(ns).delete();
    }

    /** What a watch on one AgentRun saw of its status: each change of phase, Job or pod, in order. */
    final class StatusWatch implements AutoCloseable {
        record Seen(Phase phase, String jobName, String podName) {
        }

        private final List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Watch watch;

        StatusWatch(String ns, String name) {
            watch = client().resources(AgentRun.class).inNamespace(ns).withName(name).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, AgentRun run) {
                    var status = run.getStatus();
                    if (status == null || status.getPhase() == null) {
                        return;
                    }
                    var now = new Seen(status.getPhase(), status.getJobName(), status.getPodName());
                    synchronized (seen) {
                        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                            seen.add(now);
                        }
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
        }

        List<Seen> seen() {
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            watch.close();
        }
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
