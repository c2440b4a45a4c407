package com.xonovex.agentoperator.reconciler;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;

/**
 * Watches exactly the Secrets that waiting resources name, one watch per Secret (by name), instead of an informer
 * that would list and cache every Secret of every watched namespace. The operator therefore needs only get and
 * watch on Secrets, and holds no Secret in memory: a read returns key names only.
 *
 * <p>
 * A resource says which Secrets it needs while it reconciles; the watch starts before the Secret is read, so a
 * Secret that appears right after the read still wakes the resource. Watches are closed when no resource needs them.
 */
final class SecretWatches<P extends HasMetadata> extends AbstractEventSource<Secret, P>
        implements ResourceEventAware<P> {
    private static final Logger LOG = Logger.getLogger(SecretWatches.class);

    private final KubernetesClient client;
    private final int maxWatches;
    private final Map<ResourceID, Set<ResourceID>> secretsOf = new HashMap<>();
    private final Map<ResourceID, Set<ResourceID>> waitersOf = new HashMap<>();
    private final Map<ResourceID, Watch> watches = new HashMap<>();

    /** @param maxWatches at most this many Secrets are watched at once; beyond it, {@link Read#watched()} is false */
    SecretWatches(KubernetesClient client, int maxWatches) {
        super(Secret.class, "secret-watches");
        this.client = client;
        this.maxWatches = maxWatches;
    }

    /**
     * A Secret as read (key names only), and whether a watch will wake the primary when it changes. A primary whose
     * Secret is not watched (too many watches already) has to look again by itself.
     */
    record Read(Optional<Secret> secret, boolean watched) {
    }

    /** Adds a Secret to those the primary needs, watching it from now on if it may, and reads it (key names only). */
    Read watchAndGet(ResourceID primary, ResourceID secret) {
        boolean watched;
        synchronized (this) {
            secretsOf.computeIfAbsent(primary, p -> new HashSet<>()).add(secret);
            waitersOf.computeIfAbsent(secret, s -> new HashSet<>()).add(primary);
            if (!watches.containsKey(secret) && watches.size() < maxWatches) {
                // a failure to open propagates: the reconciliation is retried, and opens it then
                watches.put(secret, open(secret));
            }
            watched = watches.containsKey(secret);
        }
        var found = client.secrets().inNamespace(secret.getNamespace().orElseThrow()).withName(secret.getName()).get();
        return new Read(Optional.ofNullable(found).map(SecretKeysOnly::strip), watched);
    }

    /** The primary needs only these Secrets now (none once it no longer waits): the others stop being watched. */
    synchronized void retainOnly(ResourceID primary, Set<ResourceID> needed) {
        var current = secretsOf.getOrDefault(primary, Set.of());
        for (var secret : Set.copyOf(current)) {
            if (!needed.contains(secret)) {
                current.remove(secret);
                var waiters = waitersOf.get(secret);
                waiters.remove(primary);
                if (waiters.isEmpty()) {
                    waitersOf.remove(secret);
                    var watch = watches.remove(secret);
                    if (watch != null) {
                        watch.close();
                    }
                }
            }
        }
        if (current.isEmpty()) {
            secretsOf.remove(primary);
        }
    }

    synchronized int watchCount() {
        return watches.size();
    }

    @Override
    public void onResourceDeleted(P resource) {
        retainOnly(ResourceID.fromResource(resource), Set.of());
    }

    @Override
    public Set<Secret> getSecondaryResources(P primary) {
        return Set.of();
    }

    @Override
    public synchronized void stop() throws OperatorException {
        watches.values().forEach(Watch::close);
        watches.clear();
        super.stop();
    }

    private Watch open(ResourceID secret) {
        return client.secrets().inNamespace(secret.getNamespace().orElseThrow()).withName(secret.getName())
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Secret resource) {
                        wake(secret);
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        // the client gave up reconnecting: forget this watch and wake those who wait for the
                        // Secret; their reconciliation re-reads it and opens a new watch (and, should that fail,
                        // is retried with back-off like any failed reconciliation)
                        LOG.warnf("%s/%s: watch of Secret closed (%s); it is opened again when its waiters are "
                                + "reconciled", secret.getNamespace().orElse(""), secret.getName(), cause.getMessage());
                        synchronized (SecretWatches.this) {
                            watches.remove(secret);
                        }
                        wake(secret);
                    }
                });
    }

    private void wake(ResourceID secret) {
        Set<ResourceID> waiters;
        synchronized (this) {
            waiters = Set.copyOf(waitersOf.getOrDefault(secret, Set.of()));
        }
        if (isRunning()) {
            waiters.forEach(primary -> getEventHandler().handleEvent(new Event(primary)));
        }
    }
}
