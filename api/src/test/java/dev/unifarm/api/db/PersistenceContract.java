package dev.unifarm.api.db;

import dev.unifarm.api.apps.AppRepository;
import dev.unifarm.api.apps.RevisionRepository;
import dev.unifarm.api.apps.RevisionState;
import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


/**
 * The persistence layer's contract, run once per database ({@link H2PersistenceTest},
 * {@link PostgresPersistenceTest}): migrations, the repositories' SQL, timestamps, constraint
 * detection, and that a transaction cut short leaves no half-written record.
 */
abstract class PersistenceContract {

    private static final String SPEC = "{\"args\":[]}";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Inject
    Jdbc jdbc;
    @Inject
    AppRepository apps;
    @Inject
    RevisionRepository revisions;
    @Inject
    InstanceRepository instances;

    /** The database product the active datasource talks to, e.g. {@code H2} or {@code PostgreSQL}. */
    abstract String expectedProduct();

    @Test
    void testDatasource_isTheConfiguredDatabase() {
        String product = jdbc.queryOne("SELECT 1 AS one", row -> row.getStatement().getConnection().getMetaData()
                .getDatabaseProductName()).orElseThrow();
        assertThat(product).isEqualTo(expectedProduct());
    }

    @Test
    void testMigrations_allAppliedInOrder() {
        // Flyway creates its table with quoted lower-case names on both databases.
        List<String> versions = jdbc.query("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE "
                + "AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"", row -> row.getString("version"));
        assertThat(versions).containsExactly("1", "2", "3", "4", "5", "6");
        // V2's columns and V3's, V4's, V5's and V6's tables exist on this database too.
        assertThat(jdbc.query("SELECT oci_digest, oci_reference FROM revisions WHERE 1 = 0", row -> 1)).isEmpty();
        assertThat(jdbc.query("SELECT * FROM store_garbage WHERE 1 = 0", row -> 1)).isEmpty();
        assertThat(jdbc.query("SELECT run_id, calls_json FROM syscall_profiles WHERE 1 = 0", row -> 1)).isEmpty();
        assertThat(jdbc.query("SELECT ram_allocated_bytes, restores FROM snapshots WHERE 1 = 0", row -> 1)).isEmpty();
        assertThat(jdbc.query("SELECT trials_done, trials_planned, result_json, finished_at FROM syscall_needs WHERE 1 = 0", row -> 1))
                .isEmpty();
    }

    @Test
    void testSnapshots_goWithTheirRevisionAndInstancesKeepTheirActivation() {
        String app = FarmClient.uniqueName("snaprow");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        apps.insert(app, SPEC, now);
        revisions.insert(app, 1, DIGEST, SPEC, now);
        jdbc.update("INSERT INTO snapshots (app, revision, profile, qemu_version, memory_mib, state_digest, state_bytes, ram_digest,"
                + " ram_bytes, ram_allocated_bytes, ram_mtime_ms, created_at) VALUES (?, 1, 'linux', '7.2.22', 384, ?, 617557, ?, ?, ?, ?, ?)",
                app, DIGEST, DIGEST, 384L << 20, 270L << 20, now.toEpochMilli(), now);
        String id = "i" + app.replace("-", "").substring(7);
        instances.insert(id, app, 1, "node-a", now, Instance.RESTORE);

        assertThat(instances.find(id).orElseThrow().activation()).isEqualTo("restore");
        assertThat(jdbc.query("SELECT restores FROM snapshots WHERE app = ?", row -> row.getInt(1), app)).containsExactly(0);
        assertThatThrownBy(() -> jdbc.update("INSERT INTO snapshots (app, revision, profile, qemu_version, memory_mib, state_digest,"
                + " state_bytes, ram_digest, ram_bytes, ram_allocated_bytes, ram_mtime_ms, created_at) VALUES (?, 2, 'linux', '7.2.22', 384,"
                + " ?, 1, ?, 1, 1, 1, ?)", app, DIGEST, DIGEST, now)).as("no snapshot of a revision that does not exist")
                .isInstanceOfSatisfying(Jdbc.DatabaseException.class, e -> assertThat(e.isConstraintViolation()).isTrue());
        revisions.deleteAll(app);
        assertThat(jdbc.query("SELECT restores FROM snapshots WHERE app = ?", row -> row.getInt(1), app)).as("gone with the revision")
                .isEmpty();
    }

    @Test
    void testApps_insertFindListAndBump() {
        String prefix = FarmClient.uniqueName("p");
        Instant now = Instant.parse("2026-01-02T03:04:05.123456Z");
        apps.insert(prefix + "-b", SPEC, now);
        apps.insert(prefix + "-a", SPEC, now);
        apps.insert(prefix + "-c", SPEC, now);

        AppRepository.AppRow found = apps.find(prefix + "-a").orElseThrow();
        assertThat(found.specJson()).isEqualTo(SPEC);
        assertThat(found.latestRevision()).isEqualTo(1);
        assertThat(found.createdAt()).isEqualTo(now);

        List<String> page = apps.list(prefix + "-a", 2).stream().map(AppRepository.AppRow::name).toList();
        assertThat(page).containsExactly(prefix + "-b", prefix + "-c");

        assertThat(apps.bumpRevision(prefix + "-a", "{\"args\":[\"x\"]}")).isTrue();
        assertThat(apps.find(prefix + "-a").orElseThrow().latestRevision()).isEqualTo(2);
        assertThat(apps.bumpRevision(prefix + "-missing", SPEC)).isFalse();
    }

    @Test
    void testApps_duplicateNameIsAConstraintViolation() {
        String name = FarmClient.uniqueName("dup");
        apps.insert(name, SPEC, Instant.now());
        assertThatThrownBy(() -> apps.insert(name, SPEC, Instant.now()))
                .isInstanceOfSatisfying(Jdbc.DatabaseException.class, e -> assertThat(e.isConstraintViolation()).isTrue());
    }

    @Test
    void testRevisions_lifecycleAndUnfinished() {
        String app = FarmClient.uniqueName("rev");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        apps.insert(app, SPEC, now);
        revisions.insert(app, 1, DIGEST, SPEC, now);
        revisions.insert(app, 2, DIGEST, SPEC, now.plusSeconds(1));
        revisions.markBuilding(app, 2);
        assertThat(revisions.unfinished()).filteredOn(r -> r.app().equals(app))
                .extracting(RevisionRepository.RevisionRow::number).containsExactly(1, 2);

        revisions.markReady(app, 1, DIGEST, "sha256:" + "cd".repeat(32), null, "{\"initrd\":42}", "log line\n");
        revisions.markFailed(app, 2, "no runtime", "log 2");
        RevisionRepository.RevisionRow ready = revisions.find(app, 1).orElseThrow();
        assertThat(ready.state()).isEqualTo(RevisionState.Ready);
        assertThat(ready.imageDigest()).isEqualTo(DIGEST);
        assertThat(ready.ociDigest()).isEqualTo("sha256:" + "cd".repeat(32));
        assertThat(ready.ociReference()).isNull();
        assertThat(ready.buildLog()).isEqualTo("log line\n");
        assertThat(ready.createdAt()).isEqualTo(now);
        assertThat(revisions.find(app, 2).orElseThrow().message()).isEqualTo("no runtime");
        assertThat(revisions.unfinished()).noneMatch(r -> r.app().equals(app));
        assertThat(revisions.all(app)).extracting(RevisionRepository.RevisionRow::state)
                .containsExactly(RevisionState.Ready, RevisionState.Failed);
    }

    @Test
    void testRevisions_ofAnUnknownAppAreRefused() {
        assertThatThrownBy(() -> revisions.insert(FarmClient.uniqueName("ghost"), 1, DIGEST, SPEC, Instant.now()))
                .isInstanceOfSatisfying(Jdbc.DatabaseException.class, e -> assertThat(e.isConstraintViolation()).isTrue());
    }

    @Test
    void testInstances_everyStatusFieldRoundTrips() {
        String app = FarmClient.uniqueName("inst");
        String id = "i" + app.replace("-", "").substring(4);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
        instances.insert(id, app, 3, "node-a", t0);
        assertThat(instances.find(id).orElseThrow().state()).isEqualTo(InstanceState.Pending);

        InstanceStatus booting = InstanceStatus.pending(id, "node-a", t0).withEndpoint("127.0.0.1:40000")
                .booting(Accelerator.tcg, t0.plusSeconds(1));
        instances.update(booting.running(t0.plusSeconds(2)).finished(InstanceState.Failed, 134, "VmExited", "boom", t0.plusSeconds(3))
                .restarted(2, t0, "VmExited", "boom"));
        Instance stored = instances.find(id).orElseThrow();
        assertThat(stored.state()).isEqualTo(InstanceState.Failed);
        assertThat(stored.exitCode()).isEqualTo(134);
        assertThat(stored.restarts()).isEqualTo(2);
        assertThat(stored.reason()).isEqualTo("VmExited");
        assertThat(stored.endpoint()).isEqualTo("127.0.0.1:40000");
        assertThat(stored.accel()).isEqualTo("tcg");
        assertThat(stored.startedAt()).isEqualTo(t0.plusSeconds(1));
        assertThat(stored.readyAt()).isEqualTo(t0.plusSeconds(2));
        assertThat(stored.finishedAt()).isEqualTo(t0.plusSeconds(3));
        assertThat(instances.list(app, null, 10)).extracting(Instance::id).containsExactly(id);
        assertThat(instances.live()).noneMatch(i -> i.id().equals(id));
    }

    @Test
    void testTransaction_cutShortLeavesNoRecord() {
        String app = FarmClient.uniqueName("crash");
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            apps.insert(app, SPEC, Instant.now());
            revisions.insert(app, 1, DIGEST, SPEC, Instant.now());
            throw new IllegalStateException("the farm dies between the revision and the build");
        })).hasMessageContaining("farm dies");
        assertThat(apps.find(app)).isEmpty();
        assertThat(revisions.all(app)).isEmpty();
    }

    @Test
    void testConcurrentBumps_loseNoRevisionNumber() throws Exception {
        String app = FarmClient.uniqueName("race");
        apps.insert(app, SPEC, Instant.now());
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> numbers = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Callable<Integer> bump = () -> QuarkusTransaction.requiringNew().call(() -> {
                    apps.bumpRevision(app, SPEC);
                    int number = apps.find(app).orElseThrow().latestRevision();
                    revisions.insert(app, number, DIGEST, SPEC, Instant.now());
                    return number;
                });
                numbers.add(pool.submit(bump));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> number : numbers) {
                got.add(number.get());
            }
            // Each transaction holds the app row's lock from its UPDATE on, so each sees its own number.
            assertThat(got).containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(revisions.all(app)).hasSize(writers);
        } finally {
            pool.shutdownNow();
        }
    }
}
