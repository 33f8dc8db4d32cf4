package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.qmp.QmpClientTest;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.SchedulerCleanup;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful stop, restart policies and the watchdog on real QEMU with real guests. Waits are short
 * here (powerdown 1 s, backoff from 200 ms) so the tests stay quick; they are configuration.
 */
class LifecycleBootTest {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final int MEMORY = 384;
    private static final String LISTENING = "echo-http listening on port 8080";
    private static final Lifecycle FAST = new Lifecycle(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(60), Duration.ofSeconds(120)), Duration.ofSeconds(3),
            Lifecycle.defaultBootTimeout(Accelerator.tcg));

    @TempDir
    static Path work;

    private static Image hello;
    private static Image echoHttp;
    private static Image hang;
    private static Image graceful;
    private static LocalScheduler scheduler;

    @RegisterExtension
    static final SchedulerCleanup CLEANUP = new SchedulerCleanup(() -> scheduler);

    @TempDir
    Path instances;

    @BeforeAll
    static void buildImages() {
        hello = TestImages.build("hello", work);
        echoHttp = TestImages.build("echo-http", work);
        hang = TestImages.build("hang", work);
        graceful = TestImages.build("graceful", work);
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withLifecycle(FAST));
    }

    // --- graceful stop: powerdown → quit → kill ---

    /**
     * The linux-profile guest honours system_powerdown: its /init turns the ACPI power button into
     * SIGTERM for the app, CoreCLR runs the ProcessExit handler, the app exits and the VM ends with
     * its exit code, during the powerdown wait (long here, so a busy machine does not turn it into quit).
     */
    @Test
    void testStop_guestHonoursPowerdownAndTheAppShutsDownCleanly() {
        Lifecycle patient = new Lifecycle(Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(5),
                FAST.backoff(), FAST.watchdogGrace(), FAST.bootTimeout());
        LocalScheduler own = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withLifecycle(patient));
        try {
            Recorder recorder = new Recorder();
            LaunchRequest request = request("g1", graceful);
            own.start(request, recorder);
            awaitConsole(own, request, recorder, "graceful: waiting for SIGTERM");
            long pid = qemuPid(request);

            long started = System.nanoTime();
            own.stop("g1");
            InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(90));

            System.out.println("stop of a guest that honours powerdown took " + (System.nanoTime() - started) / 1_000_000
                    + " ms: " + end.message());
            assertThat(end.state()).isEqualTo(InstanceState.Stopped);
            assertThat(end.reason()).isEqualTo("PoweredDown");
            assertThat(end.exitCode()).as("the app's own exit code after ProcessExit").isZero();
            assertThat(end.message()).startsWith("stopped on request: the app exited with code 0 after the power button")
                    .contains("ended by powerdown", "system_powerdown sent", "POWERDOWN", "SHUTDOWN(guest-reset)")
                    .doesNotContain("quit sent", "killed", "still running");
            assertThat(recorder.states()).containsExactly(
                    InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Stopped);
            assertGone(pid);
            assertThat(consoleLines(request)).contains("graceful: ProcessExit, shutting down cleanly");
        } finally {
            own.close();
        }
    }

    /** An app whose ProcessExit handler never returns ignores powerdown in effect: quit ends it. */
    @Test
    void testStop_appStuckInShutdownSoQuitEndsIt() throws Exception {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest("s1", graceful, List.of("stuck"), null, MEMORY, instances.resolve("s1"));
        scheduler.start(request, recorder);
        awaitConsole(scheduler, request, recorder, "graceful: waiting for SIGTERM");
        long pid = qemuPid(request);

        long started = System.nanoTime();
        scheduler.stop("s1");
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));

        System.out.println("stop of a guest that does not finish within the powerdown wait took "
                + (System.nanoTime() - started) / 1_000_000 + " ms: " + end.message());
        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.reason()).isEqualTo("Quit");
        assertThat(end.exitCode()).isNull();
        assertThat(end.message()).startsWith("stopped on request: ended by quit")
                .containsSubsequence("system_powerdown sent", "still running after PT1S", "quit sent")
                .contains("POWERDOWN", "SHUTDOWN(host-qmp-quit)")
                .doesNotContain("killed");
        assertGone(pid);
        // the power button did reach the app: it is stuck in its handler, not deaf
        await().atMost(Duration.ofSeconds(10)).until(() -> consoleLines(request).contains("graceful: ProcessExit, stuck"));
    }

    /** A frozen QEMU (SIGSTOP) never answers on the open QMP connection: only the kill ends it. */
    @Test
    void testStop_frozenQemuIsKilled() throws Exception {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("s2", echoHttp);
        scheduler.start(request, recorder);
        awaitListening(request, recorder, 0);
        long pid = qemuPid(request);
        signal("STOP", pid);
        QmpClientTest.awaitStopped(pid);

        scheduler.stop("s2");
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));

        System.out.println("stop of a frozen QEMU: " + end.message());
        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.reason()).isEqualTo("Killed");
        assertThat(end.message()).startsWith("stopped on request: ended by kill")
                .containsSubsequence("system_powerdown failed: no QMP answer to system_powerdown within PT2S",
                        "quit failed: no QMP answer to quit", "killed")
                .doesNotContain("quit sent");
        assertGone(pid);
    }

    /**
     * QMP socket renamed away while the instance runs: the connection opened at start stays usable
     * (QEMU serves one client, and this is it), so the stop still goes through powerdown.
     */
    @Test
    void testStop_socketRenamedAwayStopsOverTheOpenConnection() throws Exception {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("s3", echoHttp);
        scheduler.start(request, recorder);
        awaitListening(request, recorder, 0);
        long pid = qemuPid(request);
        Files.move(request.instanceDir().resolve(QemuInstance.QMP_SOCKET), request.instanceDir().resolve(QemuInstance.QMP_SOCKET + ".moved"));

        scheduler.stop("s3");
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));

        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.message()).contains("system_powerdown sent").doesNotContain("QMP unusable", "killed");
        assertGone(pid);
    }

    // --- restart policy ---

    @Test
    void testRestart_alwaysRestartsKilledQemuWithGrowingBackoff() throws Exception {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("r1", echoHttp);
        scheduler.start(request, recorder, RestartPolicy.Always);
        awaitListening(request, recorder, 0);

        for (int restart = 1; restart <= 3; restart++) {
            signal("KILL", qemuPid(request));
            awaitListening(request, recorder, restart);
        }

        List<Duration> delays = scheduler.restartDelays("r1");
        assertThat(delays).hasSize(3);
        assertThat(delays.get(1)).isGreaterThan(delays.get(0));
        assertThat(delays.get(2)).isGreaterThan(delays.get(1));
        InstanceStatus now = scheduler.status("r1").orElseThrow();
        assertThat(now.id()).isEqualTo("r1");
        assertThat(now.state()).isEqualTo(InstanceState.Running);
        assertThat(now.restarts()).isEqualTo(3);
        assertThat(now.reason()).as("the last termination reason").isEqualTo("VmExited");
        assertThat(recorder.statuses()).filteredOn(s -> "BackOff".equals(s.reason())).hasSize(3)
                .allSatisfy(s -> assertThat(s.state()).isEqualTo(InstanceState.Pending));
        assertThat(recorder.ended()).isFalse();
        assertThat(Files.readAllLines(request.instanceDir().resolve("console.log")))
                .as("every run appends to the same instance's console")
                .filteredOn(line -> line.contains(LISTENING)).hasSize(4);
    }

    @Test
    void testRestart_onFailureRestartsKilledQemu() throws Exception {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("r2", echoHttp);
        scheduler.start(request, recorder, RestartPolicy.OnFailure);
        awaitListening(request, recorder, 0);
        long first = qemuPid(request);

        signal("KILL", first);
        awaitListening(request, recorder, 1);

        InstanceStatus now = scheduler.status("r2").orElseThrow();
        assertThat(now.restarts()).isEqualTo(1);
        assertThat(now.reason()).isEqualTo("VmExited");
        assertThat(qemuPid(request)).isNotEqualTo(first);
        assertThat(recorder.ended()).isFalse();
    }

    @Test
    void testRestart_neverLeavesKilledQemuFailed() throws Exception {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("r3", echoHttp);
        scheduler.start(request, recorder, RestartPolicy.Never);
        awaitListening(request, recorder, 0);

        signal("KILL", qemuPid(request));
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("VmExited");
        assertThat(end.restarts()).isZero();
        assertThat(recorder.states()).containsExactly(
                InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Failed);
        assertThat(scheduler.restartDelays("r3")).isEmpty();
    }

    @Test
    void testRestart_exitZeroIsNotRestartedUnderOnFailure() {
        Recorder recorder = new Recorder();
        scheduler.start(request("r4", hello), recorder, RestartPolicy.OnFailure);

        InstanceStatus end = recorder.awaitEnd(BOOT);

        assertThat(end.state()).isEqualTo(InstanceState.Succeeded);
        assertThat(end.restarts()).isZero();
        assertThat(recorder.statuses()).noneSatisfy(s -> assertThat(s.reason()).isEqualTo("BackOff"));
    }

    @Test
    void testRestart_exitZeroIsRestartedUnderAlways() {
        Recorder recorder = new Recorder();
        scheduler.start(request("r5", hello), recorder, RestartPolicy.Always);

        await().atMost(BOOT.multipliedBy(2)).until(() -> recorder.statuses().stream()
                .anyMatch(s -> s.restarts() == 1 && s.state() == InstanceState.Running));

        assertThat(recorder.statuses()).anySatisfy(s -> {
            assertThat(s.state()).isEqualTo(InstanceState.Pending);
            assertThat(s.reason()).isEqualTo("BackOff");
            assertThat(s.exitCode()).isZero();
            assertThat(s.message()).contains("after Succeeded/Completed");
        });
        assertThat(recorder.ended()).isFalse();
    }

    @Test
    void testStop_cancelsPendingRestart() throws Exception {
        Lifecycle slowBackoff = new Lifecycle(FAST.powerdownWait(), FAST.quitWait(), FAST.qmpTimeout(),
                new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(120)), FAST.watchdogGrace(), FAST.bootTimeout());
        LocalScheduler own = new LocalScheduler(LocalOptions.of(scheduler.accelerator(), "test-node").withLifecycle(slowBackoff));
        try {
            Recorder recorder = new Recorder();
            LaunchRequest request = request("r6", echoHttp);
            own.start(request, recorder, RestartPolicy.Always);
            awaitListening(own, request, recorder, 0);
            signal("KILL", qemuPid(request));
            await().atMost(Duration.ofSeconds(30)).until(() -> own.status("r6")
                    .map(s -> "BackOff".equals(s.reason())).orElse(false));

            assertThat(own.stop("r6")).isTrue();
            InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(10));

            assertThat(end.state()).isEqualTo(InstanceState.Stopped);
            assertThat(end.restarts()).isZero();
            assertThat(end.message()).contains("restart cancelled");
            assertThat(own.liveCount()).isZero();
            assertThat(recorder.statuses()).filteredOn(s -> s.state() == InstanceState.Booting).hasSize(1);
        } finally {
            own.close();
        }
    }

    // --- watchdog ---

    @Test
    void testWatchdog_fatalLineWithoutExitIsStoppedUnderItsDiagnosis() {
        Recorder recorder = new Recorder();
        LaunchRequest request = request("w1", hang);
        scheduler.start(request, recorder);

        InstanceStatus end = recorder.awaitEnd(BOOT);

        System.out.println("hung instance: " + end.message());
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("UnhandledException");
        assertThat(end.message()).contains("Unhandled Exception: simulated")
                .contains("the VM did not exit within PT3S of \"Unhandled Exception: simulated").contains("was stopped");
        assertThat(recorder.states()).containsExactly(
                InstanceState.Pending, InstanceState.Booting, InstanceState.Running, InstanceState.Failed);
    }

    private LaunchRequest request(String id, Image image) {
        return new LaunchRequest(id, image, null, null, MEMORY, instances.resolve(id));
    }

    private static void awaitListening(LaunchRequest request, Recorder recorder, int restarts) {
        awaitListening(scheduler, request, recorder, restarts);
    }

    /** Until run number {@code restarts} is Running and its server printed that it listens. */
    private static void awaitListening(LocalScheduler on, LaunchRequest request, Recorder recorder, int restarts) {
        String id = request.instanceId();
        await().atMost(BOOT).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (recorder.ended()) {
                throw new AssertionError(id + " ended before listening: " + recorder.statuses());
            }
            return on.status(id).map(s -> s.state() == InstanceState.Running && s.restarts() == restarts).orElse(false)
                    && on.console(id).orElse(List.of()).stream().anyMatch(line -> line.contains(LISTENING));
        });
    }

    /** Until the instance is Running and printed {@code line}. */
    private static void awaitConsole(LocalScheduler on, LaunchRequest request, Recorder recorder, String line) {
        String id = request.instanceId();
        await().atMost(BOOT).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (recorder.ended()) {
                throw new AssertionError(id + " ended before printing " + line + ": " + recorder.statuses());
            }
            return on.status(id).map(s -> s.state() == InstanceState.Running).orElse(false)
                    && on.console(id).orElse(List.of()).contains(line);
        });
    }

    private static List<String> consoleLines(LaunchRequest request) {
        try {
            return Files.readAllLines(request.instanceDir().resolve("console.log"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
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

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
    }

    private static void assertGone(long pid) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
    }
}
