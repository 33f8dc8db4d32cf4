package dev.unifarm.api.snapshots;

import dev.unifarm.api.apps.App;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.instances.LaunchRecipe;
import dev.unifarm.api.instances.StartRequest;
import dev.unifarm.imager.Images;
import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Takes snapshots, off the request path: once an instance that booted has answered a request, a separate maker run of
 * its revision ({@link Activation.Snapshot}: boot with RAM in a file, wait until ready, save, quit) makes the
 * revision's snapshot. One maker per key at a time; a key whose maker did not end {@code Snapshotted} is not tried
 * again by this farm process. The serving instance is never paused.
 */
@ApplicationScoped
public class SnapshotMaker {

    /** Maker runs' ids (and instance dirs): {@code s-} and the time, like instance ids. */
    private static final String PREFIX = "s-";
    private static final Logger LOG = Logger.getLogger(SnapshotMaker.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SnapshotPolicy policy;
    private final SnapshotStore store;
    private final SnapshotMetrics metrics;
    private final InstanceService instances;
    private final LaunchRecipe launches;
    private final AppService apps;
    private final Images images;
    private final FarmDirs dirs;
    private final Set<SnapshotKey> making = ConcurrentHashMap.newKeySet();
    private final Set<SnapshotKey> givenUp = ConcurrentHashMap.newKeySet();
    /** The farm is shutting down: a maker it stops failed no one. */
    private volatile boolean stopping;
    private final ExecutorService work = Executors.newSingleThreadExecutor(DaemonThreads.named("unifarm-snapshot-maker"));

    SnapshotMaker(SnapshotPolicy policy, SnapshotStore store, SnapshotMetrics metrics, InstanceService instances, LaunchRecipe launches,
            AppService apps, Images images, FarmDirs dirs) {
        this.policy = policy;
        this.store = store;
        this.metrics = metrics;
        this.instances = instances;
        this.launches = launches;
        this.apps = apps;
        this.images = images;
        this.dirs = dirs;
    }

    /** A maker run's dir left by a farm that stopped mid-run holds half a snapshot: nothing to keep. */
    void atStart(@Observes StartupEvent event) throws IOException {
        Path all = dirs.instance(PREFIX).getParent();
        if (!Files.isDirectory(all)) {
            return;
        }
        try (DirectoryStream<Path> left = Files.newDirectoryStream(all, PREFIX + "*")) {
            left.forEach(FarmDirs::deleteTree);
        }
    }

    /** Before the scheduler stops every run (FarmParts): the makers it stops then are no failures. */
    void atStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) ShutdownEvent event) {
        stopping = true;
        work.shutdownNow();
    }

    /** The gateway proxied the first answer of instance {@code id} of {@code app}: snapshot its revision if it has none. */
    public void answered(String app, String id) {
        if (stopping) {
            return;
        }
        work.execute(() -> {
            try {
                consider(app, id);
            } catch (RuntimeException e) {
                LOG.warnf(e, "snapshot of %s (after instance %s answered) not started", app, id);
            }
        });
    }

    private void consider(String app, String id) {
        Instance instance = instances.get(id);
        if (!Instance.BOOT.equals(instance.activation())) {
            return;
        }
        App current = apps.get(app);
        if (current.latestRevision() != instance.revision()) {
            return; // cold starts restore only the latest revision's snapshot, and the spec is the latest's
        }
        AppSpec spec = current.spec();
        Revision revision = apps.revision(app, instance.revision());
        Optional<Image> image = Optional.ofNullable(revision.imageDigest()).flatMap(images::image);
        if (image.isEmpty()) {
            return;
        }
        String makerId = String.format("%s%011x%06x", PREFIX, System.currentTimeMillis(), RANDOM.nextInt(1 << 24));
        int memory = launches.launch(makerId, spec, image.get(), new StartRequest(null, null)).memoryMiB();
        Optional<SnapshotKey> key = policy.key(app, spec, revision.number(), image.get(), memory);
        if (key.isEmpty() || store.has(key.get()) || givenUp.contains(key.get()) || !making.add(key.get())) {
            return;
        }
        LOG.infof("snapshot of %s revision %d: maker run %s", app, revision.number(), makerId);
        try {
            instances.startRun(app, makerId, spec, image.get(), status -> {
                if (status.state().isTerminal()) {
                    try {
                        work.execute(() -> finish(key.get(), makerId, status));
                    } catch (RejectedExecutionException e) {
                        FarmDirs.deleteTree(dirs.instance(makerId)); // the farm is stopping: nothing to store
                    }
                }
            }, new Activation.Snapshot());
        } catch (RuntimeException e) {
            failed(key.get(), makerId, "could not start: " + e.getMessage());
        }
    }

    private void finish(SnapshotKey key, String makerId, InstanceStatus end) {
        Path dir = dirs.instance(makerId);
        try {
            if (end.state() == InstanceState.Succeeded && Activation.SNAPSHOTTED.equals(end.reason())) {
                store.put(key, Activation.Snapshot.state(dir), Activation.Snapshot.ram(dir)).ifPresent(s -> LOG.infof(
                        "snapshot of %s revision %d stored: state %d bytes, RAM %d MiB (%d MiB on disk)", key.app(), key.revision(),
                        s.stateBytes(), s.ramBytes() >> 20, s.ramAllocatedBytes() >> 20));
            } else {
                failed(key, makerId, "ended " + end.state() + (end.reason() == null ? "" : "/" + end.reason())
                        + (end.message() == null ? "" : ": " + end.message()));
            }
        } catch (IOException | RuntimeException e) {
            failed(key, makerId, "its files could not be stored: " + e.getMessage());
        } finally {
            making.remove(key);
            FarmDirs.deleteTree(dir);
        }
    }

    private void failed(SnapshotKey key, String makerId, String why) {
        if (stopping) {
            return;
        }
        LOG.warnf("snapshot of %s revision %d: maker run %s %s; not tried again until the farm restarts", key.app(), key.revision(),
                makerId, why);
        givenUp.add(key);
        making.remove(key);
        metrics.failed(key.app());
    }
}
