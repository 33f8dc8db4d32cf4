package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.SchedulerCleanup;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots real images (real Linux kernel, real CoreCLR) under real QEMU, one at a time: TCG boots take
 * a few seconds each, so the images are built once for the class.
 */
class LocalSchedulerBootTest {

    /** Generous for TCG on a loaded 2-core machine; a .NET hello boots in about 4 s. */
    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final int MEMORY = 384;
    private static final String NODE = "test-node";

    @TempDir
    static Path work;

    private static Image hello;
    private static Image crash;
    private static Image echoHttp;
    private static Image helloWithoutStackMapping;
    private static Image helloWithoutSelfExe;
    private static LocalScheduler scheduler;

    @RegisterExtension
    static final SchedulerCleanup CLEANUP = new SchedulerCleanup(() -> scheduler);

    /** Short (under /tmp) so the QMP socket path stays below the unix limit. */
    @TempDir
    Path instances;

    @BeforeAll
    static void buildImagesAndScheduler() {
        hello = TestImages.build("hello", work);
        crash = TestImages.build("crash", work);
        echoHttp = TestImages.build("echo-http", work);
        helloWithoutStackMapping = TestImages.build("hello", work, ProcPatch.STACK_MAPPING);
        helloWithoutSelfExe = TestImages.build("hello", work, ProcPatch.SELF_EXE);
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), NODE));
    }

    @Test
    void testStart_helloSucceeds() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", hello, null);

        InstanceStatus started = scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        assertThat(started.state()).isEqualTo(InstanceState.Booting);
        assertThat(recorder.states()).containsExactly(
                InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Succeeded);
        assertThat(end.id()).isEqualTo("i1");
        assertThat(end.exitCode()).isZero();
        assertThat(end.reason()).isEqualTo("Completed");
        assertThat(end.createdAt()).isNotNull();
        assertThat(end.startedAt()).isNotNull().isAfterOrEqualTo(end.createdAt());
        assertThat(end.readyAt()).isNotNull().isAfterOrEqualTo(end.startedAt());
        assertThat(end.finishedAt()).isNotNull().isAfterOrEqualTo(end.readyAt());
        assertThat(consoleFile(request))
                .as("the app's lines are console lines of their own (not glued to the firmware's last line)")
                .contains("Hello from Unifarm!", "args: []");
    }

    @Test
    void testStart_argsOverrideReachesApp() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", hello, List.of("x", "y"));

        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        assertThat(end.state()).isEqualTo(InstanceState.Succeeded);
        assertThat(consoleFile(request)).contains("args: [x, y]").doesNotContain("args: []");
    }

    @Test
    void testStart_statusCarriesChosenAcceleratorAndNode() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", hello, null);

        InstanceStatus started = scheduler.start(request, recorder);
        recorder.awaitEnd(BOOT);

        assertThat(started.accel()).isEqualTo(scheduler.accelerator());
        assertThat(started.node()).isEqualTo(NODE);
        assertThat(recorder.statuses()).allSatisfy(status -> assertThat(status.node()).isEqualTo(NODE));
        assertThat(recorder.statuses()).filteredOn(status -> status.state() != InstanceState.Pending)
                .isNotEmpty()
                .allSatisfy(status -> assertThat(status.accel()).isEqualTo(scheduler.accelerator()));
        // QEMU really ran with that accelerator
        List<String> cmdline = Files.readAllLines(request.instanceDir().resolve("qemu.cmdline"));
        assertThat(cmdline).containsSubsequence(scheduler.accelerator().qemuArgs());
    }

    @Test
    void testStart_crashFailsWithUnhandledException() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", crash, null);

        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        System.out.println("crash sample ended: " + end + "\n  console: " + appLines(request));
        assertThat(recorder.states()).containsExactly(
                InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Failed);
        assertThat(end.exitCode()).isNotNull().isGreaterThan(0);
        assertThat(end.reason()).isEqualTo("UnhandledException");
        assertThat(end.message()).contains("Unhandled Exception");
        assertThat(end.finishedAt()).isNotNull();
        assertThat(consoleFile(request))
                .anySatisfy(line -> assertThat(line).contains("crash: about to throw"))
                .anySatisfy(line -> assertThat(line).contains(
                        "Unhandled Exception: System.InvalidOperationException: Unifarm crash sample: deliberate failure"));
    }

    /** Negative control: without the [stack] line in /proc/1/maps CoreCLR cannot start. */
    @Test
    void testStart_withoutStackMappingCoreClrFailsToInitialize() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", helloWithoutStackMapping, null);

        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        System.out.println("hello without STACK_MAPPING ended: " + end + "\n  console: " + appLines(request));
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isNotNull().isNotZero();
        assertThat(end.message()).contains("Failed to initialize CoreCLR, HRESULT: 0x80004005");
        assertThat(consoleFile(request))
                .anySatisfy(line -> assertThat(line).contains("Failed to initialize CoreCLR, HRESULT: 0x80004005"))
                .noneSatisfy(line -> assertThat(line).contains("Hello from Unifarm!"));
    }

    /** Negative control: without /proc/self/exe the host cannot find its own path. */
    @Test
    void testStart_withoutSelfExeHostFailsToResolveItsPath() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", helloWithoutSelfExe, null);

        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);

        System.out.println("hello without SELF_EXE ended: " + end + "\n  console: " + appLines(request));
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isNotNull().isNotZero();
        assertThat(end.message()).contains("Failed to resolve full path of the current executable");
        assertThat(consoleFile(request))
                .anySatisfy(line -> assertThat(line).contains("Failed to resolve full path of the current executable"))
                .noneSatisfy(line -> assertThat(line).contains("Hello from Unifarm!"));
    }

    @Test
    void testStop_runningServerIsStoppedAndQemuGone() throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("i1", echoHttp, null);

        scheduler.start(request, recorder);
        awaitListening(request.instanceId(), recorder);
        // the app printed its first line: the instance must be Running (published right after the line is kept)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scheduler.status("i1"))
                .as("status once the app printed %s; console: %s", LISTENING, scheduler.console("i1"))
                .get().extracting(InstanceStatus::state).isEqualTo(InstanceState.Running));
        long pid = qemuPid(request);
        assertThat(ProcessHandle.of(pid)).get().matches(ProcessHandle::isAlive);

        boolean stopped = scheduler.stop("i1");
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));

        assertThat(stopped).isTrue();
        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        // echo-http exits on SIGTERM: the power button ends it, unless the machine is too busy for the powerdown wait
        assertThat(end.reason()).isIn("PoweredDown", "Quit");
        assertThat(end.finishedAt()).isNotNull();
        assertThat(recorder.states()).containsExactly(
                InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Stopped);
        assertGone(pid);
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.status("i1").isEmpty());
        assertThat(scheduler.stop("i1")).as("stopping an ended instance").isFalse();
        assertThat(consoleFile(request)).anySatisfy(line -> assertThat(line).contains(LISTENING));
    }

    @Test
    void testStop_unknownIdReturnsFalse() {
        assertThat(scheduler.stop("no-such-instance")).isFalse();
        assertThat(scheduler.status("no-such-instance")).isEmpty();
        assertThat(scheduler.console("no-such-instance")).isEmpty();
    }

    @Test
    void testClose_stopsAllLiveInstances() {
        List<Recorder> recorders = List.of(new Recorder(), new Recorder());
        List<LaunchRequest> requests = List.of(request("i1", echoHttp, null), request("i2", echoHttp, null));
        LocalScheduler own = new LocalScheduler(LocalOptions.of(scheduler.accelerator(), NODE));
        List<Long> pids;
        try {
            for (int i = 0; i < requests.size(); i++) {
                own.start(requests.get(i), recorders.get(i));
            }
            for (int i = 0; i < requests.size(); i++) {
                awaitListening(own, requests.get(i).instanceId(), recorders.get(i), BOOT);
            }
            pids = requests.stream().map(LocalSchedulerBootTest::qemuPid).toList();
            assertThat(own.liveCount()).isEqualTo(2);
        } finally {
            own.close();
        }

        for (Recorder recorder : recorders) {
            InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));
            assertThat(end.state()).isEqualTo(InstanceState.Stopped);
            assertThat(end.reason()).isIn("PoweredDown", "Quit");
        }
        pids.forEach(LocalSchedulerBootTest::assertGone);
        await().atMost(Duration.ofSeconds(10)).until(() -> own.liveCount() == 0);
    }

    /**
     * The farm's shutdown closes the scheduler and then its store goes: close returns only once every
     * instance's end (a running one and one still booting) has been through the listener, each
     * {@code Stopped} saying the farm stopped it as it shut down.
     */
    @Test
    void testClose_returnsOnceEveryEndIsRecordedStoppedByTheFarm() {
        Recorder running = new Recorder();
        Recorder booting = new Recorder();
        LocalScheduler own = new LocalScheduler(LocalOptions.of(scheduler.accelerator(), NODE));
        LaunchRequest first = request("i1", echoHttp, null);
        own.start(first, running);
        awaitListening(own, "i1", running, BOOT);
        assertThat(own.start(request("i2", echoHttp, null), booting).state()).isEqualTo(InstanceState.Booting);
        long pid = qemuPid(first);

        own.close();

        assertThat(List.of(running, booting)).as("each end recorded before close returned")
                .allSatisfy(recorder -> assertThat(recorder.ended()).as(recorder.states().toString()).isTrue());
        for (Recorder recorder : List.of(running, booting)) {
            InstanceStatus end = recorder.awaitEnd(Duration.ZERO);
            assertThat(end.state()).isEqualTo(InstanceState.Stopped);
            assertThat(end.message()).startsWith("stopped by the farm as it shut down: ");
        }
        assertGone(pid);
    }

    /** A listener bug must not leave an ended instance counted as live (close() would chase it forever). */
    @Test
    void testStart_throwingListenerStillUntracksEndedInstance() {
        Recorder recorder = new Recorder();
        InstanceListener throwing = status -> {
            recorder.changed(status);
            throw new IllegalStateException("a listener bug");
        };
        LocalScheduler own = new LocalScheduler(LocalOptions.of(scheduler.accelerator(), NODE));
        try {
            own.start(request("i1", hello, null), throwing);
            InstanceStatus end = recorder.awaitEnd(BOOT);

            assertThat(end.state()).isEqualTo(InstanceState.Succeeded);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(own.status("i1")).isEmpty();
                assertThat(own.liveCount()).isZero();
            });
        } finally {
            own.close();
        }
    }

    @Test
    void testStart_tooLongInstanceDirIsRefused() {
        Path deep = instances.resolve("d".repeat(120));
        Recorder recorder = new Recorder();

        assertThatThrownBy(() -> scheduler.start(withDir(request("i1", hello, null), deep), recorder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("QMP socket path");
        assertThat(recorder.statuses()).isEmpty();
        assertThat(scheduler.status("i1")).isEmpty();
        assertThat(deep).doesNotExist();
    }

    private LaunchRequest request(String id, Image image, List<String> args) {
        return new LaunchRequest(id, image, args, null, MEMORY, instances.resolve(id));
    }

    private static LaunchRequest withDir(LaunchRequest request, Path dir) {
        return new LaunchRequest(request.instanceId(), request.image(), request.args(), request.env(), request.memoryMiB(), dir);
    }

    private static final String LISTENING = "echo-http listening on port 8080";

    private static void awaitListening(String id, Recorder recorder) {
        awaitListening(scheduler, id, recorder, BOOT);
    }

    /**
     * Waits until the server's in-memory console shows it listening (anywhere in a line: this is about
     * the app being up, not about how the console splits lines).
     */
    private static void awaitListening(LocalScheduler on, String id, Recorder recorder, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (recorder.ended()) {
                throw new AssertionError(id + " ended before listening: " + recorder.statuses());
            }
            return on.console(id).orElse(List.of()).stream().anyMatch(line -> line.contains(LISTENING));
        });
    }

    private static long qemuPid(LaunchRequest request) {
        Path pidFile = request.instanceDir().resolve("qemu.pid");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(pidFile) && !Files.readString(pidFile).isBlank());
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertGone(long pid) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
    }

    /** The console file without kernel lines, for diagnostics in the test report. */
    private static List<String> appLines(LaunchRequest request) throws IOException {
        return consoleFile(request).stream().filter(line -> !line.startsWith("[")).toList();
    }

    /** The console as the scheduler saved it: after the end only the file remains. */
    private static List<String> consoleFile(LaunchRequest request) throws IOException {
        return Files.readAllLines(request.instanceDir().resolve("console.log"));
    }
}
