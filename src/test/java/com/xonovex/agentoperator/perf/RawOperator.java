package com.xonovex.agentoperator.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.xonovex.agentoperator.Fixtures;
import com.xonovex.agentoperator.api.AgentConfig;
import com.xonovex.agentoperator.api.AgentProvider;
import com.xonovex.agentoperator.api.AgentProviderStatus;
import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.reconciler.Events;
import com.xonovex.agentoperator.resolve.ClusterState;
import com.xonovex.agentoperator.resolve.Resolution;
import com.xonovex.agentoperator.resolve.RunResolver;
import com.xonovex.agentoperator.status.RunStatuses;
import com.xonovex.agentoperator.workload.AgentJobBuilder;
import com.xonovex.agentoperator.workload.ChildNames;
import com.xonovex.agentoperator.workload.PromptConfigMapBuilder;
import com.xonovex.agentoperator.workload.WorkspacePvcBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * The benchmark's baseline: what the API server takes when a client does exactly the operator's writes on the create
 * path and nothing else. It watches AgentRuns (an informer, as the operator does) and, for each new run, with
 * {@code workers} threads and no rate limit, builds the run's PVC, prompt ConfigMap and Job with the operator's own
 * builders, creates them, writes the status with server-side apply and emits the operator's event: 3 creates, 1 status
 * patch, 1 event. No retries, no ownership checks, no status comparison, no metrics: the limit an operator can approach.
 *
 * <p>
 * Usage: {@code RawOperator KUBECONFIG WORKERS}. Prints "raw: ready" once its informer has synced, and a line per error.
 */
public final class RawOperator {
    private RawOperator() {
    }

    public static void main(String[] args) throws Exception {
        var kubeconfig = Path.of(args[0]);
        int workers = Integer.parseInt(args[1]);
        var config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        config.setMaxConcurrentRequests(256);
        config.setMaxConcurrentRequestsPerHost(256);
        var client = new KubernetesClientBuilder().withConfig(config).build();
        var operatorConfig = Fixtures.config();
        var providers = new ConcurrentHashMap<String, Optional<AgentProvider>>();
        ClusterState cluster = new ClusterState() {
            @Override
            public Optional<AgentProvider> provider(String namespace, String name) {
                // read once per namespace and name (the operator has it in its informer cache); nothing sets its
                // status here, and the raw client takes it as ready, as the operator would find it
                return providers.computeIfAbsent(namespace + "/" + name, k -> Optional.ofNullable(
                        client.resources(AgentProvider.class).inNamespace(namespace).withName(name).get())
                        .map(p -> {
                            var status = new AgentProviderStatus();
                            status.setReady(true);
                            p.setStatus(status);
                            return p;
                        }));
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) {
                throw new UnsupportedOperationException("the benchmark's runs go through an AgentProvider");
            }

            @Override
            public List<AgentConfig> configs(String namespace) {
                return List.of();
            }
        };
        BlockingQueue<AgentRun> queue = new LinkedBlockingQueue<>();
        var errors = new AtomicLong();
        for (int i = 0; i < workers; i++) {
            var worker = new Thread(() -> {
                while (true) {
                    AgentRun run;
                    try {
                        run = queue.take();
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        start(client, run, cluster, operatorConfig);
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        System.err.println("raw: " + run.getMetadata().getName() + ": " + e);
                    }
                }
            }, "raw-worker-" + i);
            worker.setDaemon(true);
            worker.start();
        }
        var informer = client.resources(AgentRun.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(AgentRun run) {
                if (!RunStatuses.isStarted(run)) {
                    queue.add(run);
                }
            }

            @Override
            public void onUpdate(AgentRun old, AgentRun run) {
            }

            @Override
            public void onDelete(AgentRun run, boolean unknown) {
            }
        });
        informer.start().toCompletableFuture().get();
        System.out.println("raw: ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void start(KubernetesClient client, AgentRun run, ClusterState cluster,
            com.xonovex.agentoperator.config.OperatorConfig config) {
        var resolution = RunResolver.resolve(run, cluster, config);
        if (!(resolution instanceof Resolution.Resolved resolved)) {
            throw new IllegalStateException("not resolved: " + resolution);
        }
        var names = ChildNames.of(run);
        client.resource(WorkspacePvcBuilder.build(run, resolved.run())).create();
        client.resource(PromptConfigMapBuilder.build(run, resolved.run())).create();
        client.resource(AgentJobBuilder.build(run, resolved.run(), config)).create();
        var now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        var status = RunStatuses.started(run, resolved.run().agent().type(), resolved.run().provider().name(), names,
                now);
        var fresh = new AgentRun();
        fresh.getMetadata().setName(run.getMetadata().getName());
        fresh.getMetadata().setNamespace(run.getMetadata().getNamespace());
        fresh.setStatus(status);
        client.resource(fresh).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withForce(true).withFieldManager("raw-operator").build());
        Events.emit(client, run, Events.NORMAL, status.getPhase().value(), status.getMessage());
    }
}
