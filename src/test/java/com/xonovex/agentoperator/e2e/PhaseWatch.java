package com.xonovex.agentoperator.e2e;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.api.Phase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/** The phases of one AgentRun as a watch on the server sees them, without repeats. Start it before the run. */
final class PhaseWatch implements AutoCloseable {
    private final List<Phase> phases = new CopyOnWriteArrayList<>();
    private final Watch watch;

    PhaseWatch(KubernetesClient client, String namespace, String name) {
        watch = client.resources(AgentRun.class).inNamespace(namespace).withName(name).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, AgentRun run) {
                var phase = run.getStatus() == null ? null : run.getStatus().getPhase();
                synchronized (phases) {
                    if (phase != null && (phases.isEmpty() || phases.get(phases.size() - 1) != phase)) {
                        phases.add(phase);
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    List<Phase> phases() {
        return List.copyOf(phases);
    }

    @Override
    public void close() {
        watch.close();
    }
}
