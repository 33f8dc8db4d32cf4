package dev.unifarm.api.snapshots;

import dev.unifarm.api.apps.AppDeleted;
import dev.unifarm.api.apps.RevisionSnapshot;
import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.farm.DaemonThreads;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.scheduler.Activation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The farm's memory snapshots (docs/gateway.md "Snapshots"): rows in {@code snapshots}, files in {@link SnapshotBlobs}
 * under {@code <data>/snapshots}. Files go in first, the row last; at start rows whose files are gone are dropped and
 * blobs no row names deleted, so a crash at any point leaves a consistent store. A restore is handed out only after
 * its checks: the state's digest every time, the RAM file's size and mtime every time and its full digest once per
 * farm process (when stored, or in the background after a start). A snapshot that fails any of them is dropped and
 * counted, and the start boots.
 */
@ApplicationScoped
public class SnapshotStore {

    static final String CORRUPT = "corrupt";
    static final String MISSING = "missing";
    static final String RESTORE_FAILED = "restore-failed";
    static final String REVISION_DELETED = "revision-deleted";
    static final String DELETED_ON_REQUEST = "deleted-on-request";

    private static final Logger LOG = Logger.getLogger(SnapshotStore.class);

    private final SnapshotRepository rows;
    private final SnapshotBlobs blobs;
    private final SnapshotMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    /** The rows, as this process (the only writer) keeps them. */
    private final Map<SnapshotKey, Snapshot> stored = new ConcurrentHashMap<>();
    /** Whether each snapshot's RAM file matched its digest in this process: checked once, before its first restore. */
    private final Map<SnapshotKey, CompletableFuture<Boolean>> ramChecks = new ConcurrentHashMap<>();
    private final ExecutorService checker = Executors.newSingleThreadExecutor(DaemonThreads.named("unifarm-snapshot-check"));

    SnapshotStore(SnapshotRepository rows, FarmDirs dirs, SnapshotMetrics metrics) {
        this.rows = rows;
        this.blobs = new SnapshotBlobs(dirs.dataDir().resolve("snapshots"));
        this.metrics = metrics;
        metrics.gauges(stored::size, () -> stored.values().stream().mapToLong(Snapshot::bytesOnDisk).sum());
    }

    void atStart(@Observes StartupEvent event) {
        reconcile();
    }

    void atStop(@Observes ShutdownEvent event) {
        checker.shutdownNow();
    }

    /** Drops rows whose files are gone, deletes blobs no row names, and queues the RAM digest checks. */
    synchronized void reconcile() {
        stored.clear();
        ramChecks.clear();
        for (Snapshot s : rows.all()) {
            if (Files.isRegularFile(blobs.blob(s.stateDigest())) && Files.isRegularFile(blobs.blob(s.ramDigest()))) {
                stored.put(s.key(), s);
                ramChecks.put(s.key(), CompletableFuture.supplyAsync(() -> ramMatches(s), checker));
            } else {
                LOG.warnf("snapshot of %s revision %d: a file is missing from the store, dropping it", s.key().app(), s.key().revision());
                forget(s.key(), MISSING);
            }
        }
        sweep();
    }

    public boolean has(SnapshotKey key) {
        return stored.containsKey(key);
    }

    /** The revision's newest snapshot (of any profile, QEMU or memory size), for {@code GET …/revisions/{n}}. */
    public Optional<Snapshot> newestOf(String app, int revision) {
        return stored.values().stream().filter(s -> s.key().app().equals(app) && s.key().revision() == revision)
                .max(Comparator.comparing(Snapshot::createdAt));
    }

    /** {@link #newestOf} as the API shows it. */
    public Optional<RevisionSnapshot> shown(String app, int revision) {
        return newestOf(app, revision).map(s -> new RevisionSnapshot(s.bytesOnDisk(), s.stateBytes(), s.ramBytes(), s.createdAt(),
                Math.max(0, Duration.between(s.createdAt(), clock.instant()).toSeconds()), s.key().qemuVersion(), s.key().profile(),
                s.key().memoryMiB(), s.restores(), s.stateDigest(), s.ramDigest()));
    }

    /**
     * The snapshot of {@code key} as a restore, once its files passed the checks, counted as one more restore; empty
     * when there is none or it failed a check (it is dropped then): boot.
     */
    public Optional<Activation.Restore> restoreOf(SnapshotKey key) {
        Snapshot s = stored.get(key);
        if (s == null) {
            return Optional.empty();
        }
        Path state = blobs.blob(s.stateDigest());
        Path ram = blobs.blob(s.ramDigest());
        String problem = problemWith(s, state, ram);
        if (problem != null) {
            LOG.warnf("snapshot of %s revision %d: %s; dropping it, the start boots", key.app(), key.revision(), problem);
            drop(key, problem.startsWith("missing") ? MISSING : CORRUPT);
            return Optional.empty();
        }
        rows.countRestore(key);
        stored.computeIfPresent(key, (k, old) -> old.restoredOnceMore());
        return Optional.of(new Activation.Restore(state, ram));
    }

    private String problemWith(Snapshot s, Path state, Path ram) {
        try {
            if (!Digests.of(state).equals(s.stateDigest())) {
                return "its state file no longer has digest " + s.stateDigest();
            }
            if (Files.size(ram) != s.ramBytes() || Files.getLastModifiedTime(ram).toMillis() != s.ramMtimeMillis()) {
                return "its RAM file changed size or mtime since it was stored";
            }
        } catch (IOException | RuntimeException e) {
            return "missing or unreadable file: " + e.getMessage();
        }
        CompletableFuture<Boolean> check = ramChecks.computeIfAbsent(s.key(), k -> CompletableFuture.supplyAsync(() -> ramMatches(s), checker));
        return check.join() ? null : "its RAM file no longer has digest " + s.ramDigest();
    }

    private boolean ramMatches(Snapshot s) {
        try {
            return Digests.of(blobs.blob(s.ramDigest())).equals(s.ramDigest());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Takes a maker run's files ({@code state} and {@code ram}, on the data dir's filesystem) as the snapshot of
     * {@code key}. Empty when the key's revision is gone meanwhile (its files are not kept).
     */
    public Optional<Snapshot> put(SnapshotKey key, Path state, Path ram) throws IOException {
        SnapshotBlobs.Measured stateFile = SnapshotBlobs.measure(state);
        SnapshotBlobs.Measured ramFile = SnapshotBlobs.measure(ram);
        Snapshot snapshot = new Snapshot(key, stateFile.digest(), stateFile.bytes(), ramFile.digest(), ramFile.bytes(),
                ramFile.allocatedBytes(), ramFile.mtimeMillis(), clock.instant(), 0);
        synchronized (this) {
            blobs.adopt(state, stateFile.digest());
            blobs.adopt(ram, ramFile.digest());
            try {
                rows.insert(snapshot);
            } catch (Jdbc.DatabaseException e) {
                if (!e.isConstraintViolation()) {
                    throw e;
                }
                LOG.infof("snapshot of %s revision %d not kept: the revision was deleted, or it has one already", key.app(), key.revision());
                sweep();
                return Optional.empty();
            }
            stored.put(key, snapshot);
            ramChecks.put(key, CompletableFuture.completedFuture(true));
        }
        return Optional.of(snapshot);
    }

    /** Throws the snapshot away (row, then the files no other row names), counted under {@code reason}. */
    public synchronized void drop(SnapshotKey key, String reason) {
        if (stored.containsKey(key)) {
            forget(key, reason);
            sweep();
        }
    }

    /** Throws away every snapshot of the revision ({@code DELETE …/revisions/{n}/snapshot}); how many there were. */
    public synchronized int dropRevision(String app, int revision) {
        List<SnapshotKey> keys = stored.keySet().stream().filter(k -> k.app().equals(app) && k.revision() == revision).toList();
        keys.forEach(key -> forget(key, DELETED_ON_REQUEST));
        if (!keys.isEmpty()) {
            sweep();
        }
        return keys.size();
    }

    /** The app's revisions are gone, and their rows with them ({@code ON DELETE CASCADE}): their files go too. */
    synchronized void appDeleted(@Observes AppDeleted deleted) {
        List<SnapshotKey> gone = stored.keySet().stream().filter(k -> k.app().equals(deleted.app())).toList();
        for (SnapshotKey key : gone) {
            forget(key, REVISION_DELETED);
        }
        if (!gone.isEmpty()) {
            sweep();
        }
    }

    private void forget(SnapshotKey key, String reason) {
        rows.delete(key);
        stored.remove(key);
        ramChecks.remove(key);
        metrics.dropped(key.app(), reason);
    }

    private void sweep() {
        Set<String> named = new HashSet<>();
        for (Snapshot s : rows.all()) {
            named.add(s.stateDigest());
            named.add(s.ramDigest());
        }
        try {
            blobs.sweep(named).forEach(file -> LOG.debugf("deleted snapshot blob %s", file));
        } catch (IOException e) {
            LOG.warnf("cleaning the snapshot store failed (retried at the next change or start): %s", e.getMessage());
        }
    }
}
