package dev.unifarm.api.snapshots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.apps.AppRepository;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.FarmMetrics;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.scheduler.Activation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The snapshot store without QEMU: a maker run's two files (a small state, a sparse RAM file) as the farm would find
 * them in the run's dir, stored, checked before a restore, dropped on any mismatch, and kept consistent across a crash.
 */
@QuarkusTest
class SnapshotStoreTest {

    private static final int RAM_MIB = 64;

    @Inject
    SnapshotStore store;
    @Inject
    SnapshotRepository rows;
    @Inject
    AppRepository apps;
    @Inject
    RevisionRepository revisions;
    @Inject
    FarmDirs dirs;

    @Test
    void testPut_movesTheFilesInUnderTheirDigestsAndRestoresThem() throws Exception {
        SnapshotKey key = keyOfNewApp();
        Path maker = makerDir("a");
        String ramDigest = Digests.of(maker.resolve("ram"));

        Snapshot stored = store.put(key, maker.resolve("state"), maker.resolve("ram")).orElseThrow();

        assertThat(maker.resolve("state")).as("moved, not copied").doesNotExist();
        assertThat(maker.resolve("ram")).doesNotExist();
        assertThat(stored.ramDigest()).isEqualTo(ramDigest);
        assertThat(stored.ramBytes()).isEqualTo(RAM_MIB << 20);
        assertThat(stored.ramAllocatedBytes()).as("the RAM file stays sparse").isLessThan(RAM_MIB << 19);
        Activation.Restore restore = store.restoreOf(key).orElseThrow();
        assertThat(restore.state()).isEqualTo(blobs().resolve(Digests.hex(stored.stateDigest())));
        assertThat(restore.ram()).isEqualTo(blobs().resolve(Digests.hex(ramDigest)));
        assertThat(Digests.of(restore.ram())).isEqualTo(ramDigest);
        assertThat(store.shown(key.app(), key.revision()).orElseThrow().restores()).isEqualTo(1);
        assertThat(rows.all()).filteredOn(s -> s.key().equals(key)).singleElement()
                .satisfies(s -> assertThat(s.restores()).as("the count is in the row").isEqualTo(1));
    }

    @Test
    void testRestoreOf_onlyTheExactKey() throws Exception {
        SnapshotKey key = keyOfNewApp();
        revisions.insert(key.app(), 2, "sha256:" + "ab".repeat(32), "{}", Instant.now());
        Path maker = makerDir("b");
        store.put(key, maker.resolve("state"), maker.resolve("ram")).orElseThrow();

        assertThat(store.restoreOf(new SnapshotKey(key.app(), 2, key.profile(), key.qemuVersion(), key.memoryMiB()))).as("another revision")
                .isEmpty();
        assertThat(store.restoreOf(new SnapshotKey(key.app(), 1, key.profile(), "8.2.0", key.memoryMiB()))).as("another QEMU").isEmpty();
        assertThat(store.restoreOf(new SnapshotKey(key.app(), 1, key.profile(), key.qemuVersion(), 1024))).as("another memory size").isEmpty();
        assertThat(store.restoreOf(new SnapshotKey(key.app(), 1, "unikraft-elfloader", key.qemuVersion(), key.memoryMiB())))
                .as("another kernel profile").isEmpty();
        assertThat(store.restoreOf(key)).as("the others did not cost it").isPresent();
        assertThat(store.shown(key.app(), 2)).isEmpty();
    }

    @Test
    void testRestoreOf_aChangedStateDropsTheSnapshotAndCountsIt() throws Exception {
        SnapshotKey key = keyOfNewApp();
        Path maker = makerDir("c");
        Snapshot stored = store.put(key, maker.resolve("state"), maker.resolve("ram")).orElseThrow();
        Path state = blobs().resolve(Digests.hex(stored.stateDigest()));
        try (RandomAccessFile file = new RandomAccessFile(state.toFile(), "rw")) {
            file.seek(100);
            file.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }

        assertThat(store.restoreOf(key)).isEmpty();

        assertThat(store.has(key)).isFalse();
        assertThat(rows.all()).noneMatch(s -> s.key().equals(key));
        assertThat(state).as("its blobs go with it").doesNotExist();
        assertThat(blobs().resolve(Digests.hex(stored.ramDigest()))).doesNotExist();
        assertThat(dropped(key.app(), "corrupt")).isEqualTo(1.0);
    }

    @Test
    void testRestoreOf_aRamFileWithAnotherMtimeIsDropped() throws Exception {
        SnapshotKey key = keyOfNewApp();
        Path maker = makerDir("d");
        Snapshot stored = store.put(key, maker.resolve("state"), maker.resolve("ram")).orElseThrow();
        Files.setLastModifiedTime(blobs().resolve(Digests.hex(stored.ramDigest())), FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(store.restoreOf(key)).isEmpty();

        assertThat(store.has(key)).isFalse();
        assertThat(dropped(key.app(), "corrupt")).isEqualTo(1.0);
    }

    @Test
    void testReconcile_dropsRowsWithoutFilesAndDeletesBlobsNoRowNames() throws Exception {
        SnapshotKey kept = keyOfNewApp();
        SnapshotKey broken = keyOfNewApp();
        Path one = makerDir("e");
        Path two = makerDir("f");
        Snapshot keptRow = store.put(kept, one.resolve("state"), one.resolve("ram")).orElseThrow();
        Snapshot brokenRow = store.put(broken, two.resolve("state"), two.resolve("ram")).orElseThrow();
        // A crash after a maker's files went in but before its row: blobs no row names.
        Path orphan = blobs().resolve("0f".repeat(32));
        Files.writeString(orphan, "half a snapshot");
        // A RAM file lost behind the farm's back.
        Files.delete(blobs().resolve(Digests.hex(brokenRow.ramDigest())));

        store.reconcile();

        assertThat(orphan).doesNotExist();
        assertThat(store.has(broken)).isFalse();
        assertThat(blobs().resolve(Digests.hex(brokenRow.stateDigest()))).doesNotExist();
        assertThat(dropped(broken.app(), "missing")).isEqualTo(1.0);
        assertThat(store.has(kept)).isTrue();
        assertThat(store.restoreOf(kept)).as("its RAM digest checked again after the start").isPresent();
        assertThat(blobs().resolve(Digests.hex(keptRow.ramDigest()))).exists();
    }

    @Test
    void testPut_forARevisionDeletedMeanwhileKeepsNothing() throws Exception {
        SnapshotKey key = keyOfNewApp();
        revisions.deleteAll(key.app());
        apps.delete(key.app());
        Path maker = makerDir("g");
        String stateDigest = Digests.of(maker.resolve("state"));

        Optional<Snapshot> stored = store.put(key, maker.resolve("state"), maker.resolve("ram"));

        assertThat(stored).isEmpty();
        assertThat(blobs().resolve(Digests.hex(stateDigest))).doesNotExist();
    }

    @Test
    void testAppDeletion_takesItsSnapshotsAlong() throws Exception {
        String app = FarmClient.readyApp("snapdel", "hello");
        SnapshotKey key = new SnapshotKey(app, 1, "linux", "7.2.22", RAM_MIB);
        Path maker = makerDir("h");
        Snapshot stored = store.put(key, maker.resolve("state"), maker.resolve("ram")).orElseThrow();

        FarmClient.api().delete("/api/v1/apps/" + app).then().statusCode(200);

        assertThat(store.has(key)).isFalse();
        assertThat(rows.all()).noneMatch(s -> s.key().app().equals(app));
        assertThat(blobs().resolve(Digests.hex(stored.ramDigest()))).doesNotExist();
        assertThat(dropped(app, "revision-deleted")).isEqualTo(1.0);
    }

    /** An app with revision 1 in the database (no build: the store only needs the rows). */
    private SnapshotKey keyOfNewApp() {
        String app = FarmClient.uniqueName("snap");
        apps.insert(app, "{}", Instant.now());
        revisions.insert(app, 1, "sha256:" + "ab".repeat(32), "{}", Instant.now());
        return new SnapshotKey(app, 1, "linux", "7.2.22", RAM_MIB);
    }

    /** A maker run's dir under the data dir (same filesystem as the store): a 600 KB state and a sparse RAM file. */
    private Path makerDir(String seed) throws IOException {
        Path dir = Files.createDirectories(dirs.instance(FarmClient.uniqueName("s-test")).resolve("vm"));
        byte[] state = new byte[600_000];
        new java.util.Random(seed.hashCode()).nextBytes(state);
        Files.write(dir.resolve("state"), state);
        try (RandomAccessFile ram = new RandomAccessFile(dir.resolve("ram").toFile(), "rw")) {
            ram.setLength(RAM_MIB << 20);
            for (int mib = 0; mib < RAM_MIB; mib += 8) {
                ram.seek((long) mib << 20);
                ram.write((seed + mib).getBytes());
            }
        }
        return dir;
    }

    private Path blobs() {
        return dirs.dataDir().resolve("snapshots/blobs/sha256");
    }

    private static double dropped(String app, String reason) {
        return FarmMetrics.value(FarmMetrics.metrics(), "unifarm_snapshot_dropped_total{app=\"" + app + "\",reason=\"" + reason + "\"}");
    }
}
