package com.xonovex.agentoperator.reconciler;

import java.util.function.UnaryOperator;

import com.xonovex.agentoperator.api.AgentRun;
import com.xonovex.agentoperator.status.RunStatuses;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's item store that keeps of each object only what the reconcilers read, so that the operator's memory
 * per run stays small (README, "Speed and memory"). Every object loses its managedFields (which the client does not
 * even decode, see {@link LeanDecoding}) and kubectl's last-applied-configuration annotation (a second copy of the
 * whole object, prompt included). Beyond that, per kind:
 * <ul>
 * <li>AgentRun: a run that has started (its status names the Job it created) loses {@code spec.prompt}: the prompt
 * is read once, to make the prompt ConfigMap, before the run starts, and never again (a started run is never started
 * twice). A run that waits keeps it.</li>
 * <li>Job: the pod template goes; the reconciler reads the Job's metadata, status, {@code activeDeadlineSeconds}
 * and {@code suspend}.</li>
 * <li>Pod: the spec goes; the reconciler reads the pod's metadata and status.</li>
 * </ul>
 * Objects are pruned in place as the informer stores them: they are fresh from the decoder and the informer's own,
 * and the event handlers see the same pruned objects the cache holds.
 */
public class PrunedStore<R extends HasMetadata> extends BasicItemStore<R> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final UnaryOperator<R> prune;

    PrunedStore(UnaryOperator<R> prune) {
        super(Cache::metaNamespaceKeyFunc);
        this.prune = prune;
    }

    /** The primary AgentRun informer's store (named in {@code @ControllerConfiguration}, so public, no arguments). */
    public static final class AgentRuns extends PrunedStore<AgentRun> {
        public AgentRuns() {
            super(PrunedStore::run);
        }
    }

    static PrunedStore<Job> jobs() {
        return new PrunedStore<>(PrunedStore::job);
    }

    static PrunedStore<Pod> pods() {
        return new PrunedStore<>(PrunedStore::pod);
    }

    static <R extends HasMetadata> PrunedStore<R> metadataOnly() {
        return new PrunedStore<>(PrunedStore::common);
    }

    @Override
    public R put(String key, R obj) {
        return super.put(key, prune.apply(obj));
    }

    static <R extends HasMetadata> R common(R resource) {
        var meta = resource.getMetadata();
        if (meta != null) {
            meta.setManagedFields(null);
            if (meta.getAnnotations() != null) {
                meta.getAnnotations().remove(LAST_APPLIED);
            }
        }
        return resource;
    }

    static AgentRun run(AgentRun run) {
        common(run);
        if (run.getSpec() != null && RunStatuses.isStarted(run)) {
            run.getSpec().setPrompt(null);
        }
        return run;
    }

    static Job job(Job job) {
        common(job);
        if (job.getSpec() != null) {
            job.getSpec().setTemplate(null);
        }
        return job;
    }

    static Pod pod(Pod pod) {
        common(pod);
        pod.setSpec(null);
        return pod;
    }
}
