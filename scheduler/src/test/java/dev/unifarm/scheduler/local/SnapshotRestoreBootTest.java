package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.ContainmentSettings;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.local.containment.Containment;
import dev.unifarm.scheduler.testing.GuestHttp;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot and restore under real QEMU, kernel and CoreCLR (docs/instances.md, "Snapshots"): echo-http, built
 * with the guest resume helper, is snapshotted once by a maker run (shared by every test: boots are dear), and
 * its clones are restored from those files under the farm's containment.
 */
class SnapshotRestoreBootTest {

    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final int PORT = 8080;
    private static final int MEMORY_MIB = 384;
    /** The snapshot is at least this old when restored, so a guest clock left at the snapshot's time would show. */
    private static final Duration SNAPSHOT_AGE = Duration.ofSeconds(6);
    private static final Pattern URANDOM = Pattern.compile("urandom: ([0-9a-f]{32})");
    private static final Pattern NOW = Pattern.compile("now: (\\S+)");

    @TempDir
    static Path work;

    private static Image echoHttp;
    private static LocalScheduler scheduler;
    private static InstanceStatus maker;
    private static Path makerDir;

    @BeforeAll
    static void snapshot() throws Exception {
        echoHttp = TestImages.buildWithNetwork("echo-http", work);
        assertThat(echoHttp.manifest().boot().resumeHelper()).as("the image has the guest resume helper (scripts/provision)").isTrue();
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"));
        makerDir = work.resolve("maker");
        Recorder recorder = new Recorder();
        scheduler.start(launch("maker", makerDir).withActivation(new Activation.Snapshot()), recorder);
        maker = recorder.awaitEnd(BOOT);
        Thread.sleep(SNAPSHOT_AGE.toMillis());
    }

    @AfterAll
    static void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void testSnapshot_endsSnapshottedWithItsRamFileAndAThinState() throws IOException {
        assertThat(maker.state()).as(() -> maker + "; console: " + console(makerDir)).isEqualTo(InstanceState.Succeeded);
        assertThat(maker.reason()).isEqualTo(Activation.SNAPSHOTTED);
        assertThat(maker.readyAt()).as("it was Running (its readiness probe answered) before the snapshot").isNotNull();
        assertThat(maker.message()).startsWith("snapshot taken: state ").contains("paused");
        long state = Files.size(Activation.Snapshot.state(makerDir));
        assertThat(state).as("device state only: RAM stays in the file").isPositive().isLessThan(4L * 1024 * 1024);
        assertThat(Files.size(Activation.Snapshot.ram(makerDir))).isEqualTo(MEMORY_MIB * 1024L * 1024);
        assertThat(maker.message()).contains("state " + state + " bytes");
        assertThat(makerDir.resolve(SnapshotTaker.MIGRATION_SOCKET)).doesNotExist();
        assertThat(makerDir.resolve(QemuProcess.PID_FILE)).as("QEMU quit").doesNotExist();
    }

    @Test
    void testRestore_twoClonesRunSideBySideAnswerAsABootDoesAndAreNewGuests() throws Exception {
        Activation.Restore restore = new Activation.Restore(Activation.Snapshot.state(makerDir), Activation.Snapshot.ram(makerDir));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        LaunchRequest one = launch("clone-1", work.resolve("clone-1")).withActivation(restore);
        LaunchRequest two = launch("clone-2", work.resolve("clone-2")).withActivation(restore);
        try {
            scheduler.start(one, first);
            scheduler.start(two, second);
            await().atMost(BOOT).until(() -> (first.saw(InstanceState.Running) || first.ended()) && (second.saw(InstanceState.Running)
                    || second.ended()));
            assertThat(first.states()).as(() -> first.statuses() + " " + QemuProcess.log(one.instanceDir())).contains(InstanceState.Running);
            assertThat(second.states()).as(() -> second.statuses() + " " + QemuProcess.log(two.instanceDir())).contains(InstanceState.Running);
            String endpoint1 = scheduler.status("clone-1").orElseThrow().endpoint();
            String endpoint2 = scheduler.status("clone-2").orElseThrow().endpoint();
            assertThat(endpoint1).isNotEqualTo(endpoint2);
            assertThat(Files.readString(one.instanceDir().resolve(QemuProcess.COMMAND_FILE))).contains("-incoming\ndefer");

            assertThat(GuestHttp.get(endpoint1, "/")).startsWith("HTTP/1.").contains("echo-http: GET /");
            assertThat(GuestHttp.get(endpoint2, "/")).startsWith("HTTP/1.").contains("echo-http: GET /");

            String random1 = match(URANDOM, GuestHttp.get(endpoint1, "/urandom"));
            String random2 = match(URANDOM, GuestHttp.get(endpoint2, "/urandom"));
            assertThat(random1).as("clones of one snapshot draw different kernel random numbers").isNotEqualTo(random2);
            assertThat(match(URANDOM, GuestHttp.get(endpoint1, "/urandom"))).isNotEqualTo(random1);

            Instant snapshotAt = maker.finishedAt();
            Instant guestNow = Instant.parse(match(NOW, GuestHttp.get(endpoint1, "/now")));
            Instant hostNow = Instant.now();
            assertThat(Duration.between(snapshotAt, hostNow)).isGreaterThanOrEqualTo(SNAPSHOT_AGE);
            assertThat(Duration.between(guestNow, hostNow).abs()).as("the guest clock was stepped to the farm's at the restore (guest %s, host %s)",
                    guestNow, hostNow).isLessThan(Duration.ofSeconds(3));
        } finally {
            scheduler.stop("clone-1");
            scheduler.stop("clone-2");
        }
    }

    @Test
    void testRestore_withoutContainmentQemuGetsTheStateThroughAShellAndRuns() throws Exception {
        ContainmentSettings off = new ContainmentSettings(false, ContainmentSettings.DEFAULT_UID_FIRST, ContainmentSettings.DEFAULT_UID_COUNT,
                256, 0, null, null, false);
        LocalScheduler uncontained = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node")
                .withContainment(Containment.onThisHost(off)));
        Recorder recorder = new Recorder();
        LaunchRequest request = launch("plain", work.resolve("plain"))
                .withActivation(new Activation.Restore(Activation.Snapshot.state(makerDir), Activation.Snapshot.ram(makerDir)));
        try {
            uncontained.start(request, recorder);
            await().atMost(BOOT).until(() -> recorder.saw(InstanceState.Running) || recorder.ended());

            assertThat(recorder.states()).as(() -> recorder.statuses() + " " + QemuProcess.log(request.instanceDir()))
                    .contains(InstanceState.Running);
            assertThat(request.instanceDir().resolve(QemuProcess.JAIL_SCRIPT)).doesNotExist();
            assertThat(GuestHttp.get(uncontained.status("plain").orElseThrow().endpoint(), "/")).contains("echo-http: GET /");
        } finally {
            uncontained.close();
        }
    }

    @Test
    void testRestore_fromATruncatedStateFailsAsRestoreFailedAndQemuIsGone() throws IOException {
        byte[] state = Files.readAllBytes(Activation.Snapshot.state(makerDir));
        Path truncated = Files.write(work.resolve("truncated.state"), Arrays.copyOf(state, state.length / 2));
        Recorder recorder = new Recorder();
        LaunchRequest request = launch("broken", work.resolve("broken"))
                .withActivation(new Activation.Restore(truncated, Activation.Snapshot.ram(makerDir)));

        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo(Activation.RESTORE_FAILED);
        assertThat(end.message()).startsWith("the restore failed: ").contains("load of migration failed");
        assertThat(recorder.states()).doesNotContain(InstanceState.Running);
        assertThat(request.instanceDir().resolve(QemuProcess.PID_FILE)).as("QEMU is gone").doesNotExist();
        assertThat(scheduler.status("broken")).isEmpty();
    }

    @Test
    void testSnapshot_ofAnAppWithoutAPortIsRefused() {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest("no-port", echoHttp, null, null, MEMORY_MIB, work.resolve("no-port"))
                .withActivation(new Activation.Snapshot());

        try {
            scheduler.start(request, recorder);
        } catch (RuntimeException e) {
            // the start reports what it published
        }

        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(10));
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("StartFailed");
        assertThat(end.message()).contains("a snapshot run needs an app with a port");
        assertThat(work.resolve("no-port").resolve(QemuProcess.COMMAND_FILE)).as("no QEMU was started").doesNotExist();
    }

    private static LaunchRequest launch(String id, Path dir) {
        return new LaunchRequest(id, echoHttp, null, Map.of("PORT", String.valueOf(PORT)), MEMORY_MIB, dir, PORT);
    }

    private static String match(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
        return matcher.group(1);
    }

    private static String console(Path dir) {
        try {
            return String.join("\n", List.copyOf(Files.readAllLines(dir.resolve("console.log"))));
        } catch (IOException e) {
            return "(no console: " + e + ")";
        }
    }
}
