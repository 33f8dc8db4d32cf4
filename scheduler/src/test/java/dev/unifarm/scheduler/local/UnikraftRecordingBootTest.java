package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.testing.RecordedConsoleKernel;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm's own runs of {@code hello} on a real app-elfloader 0.16.3 (testdata/unikraft-0.16.3), the
 * recorded console replayed by a guest on real QEMU ({@link RecordedConsoleKernel}) under the 9pfs
 * Unikraft profile: when the instance is Running, what the watchdog takes for fatal, and the verdict.
 * As on the real kernel the VM never exits by itself.
 */
class UnikraftRecordingBootTest {

    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final Duration END = Duration.ofSeconds(90);
    private static final int MEMORY = 256;

    @TempDir
    static Path work;

    private static Image hello;
    private static LocalScheduler scheduler;

    @TempDir
    Path instances;

    @BeforeAll
    static void setUp() {
        hello = TestImages.buildUnikraft("hello", work);
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "test-node")
                .withLifecycle(new Lifecycle(Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(5), Backoff.DEFAULT, GRACE, Duration.ofMinutes(3))));
    }

    @AfterAll
    static void closeScheduler() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    /** {@code ERR:  [libposix_process] … Ignore updating resource 7} on every .NET start is no verdict: the run that worked keeps running. */
    @Test
    void testHarmlessKernelErrorLine_theAppThatWorkedKeepsRunning() {
        AtomicReference<String> lineAtRunning = new AtomicReference<>();
        Recorder recorder = start("ok", "farm-patched-calibrated-ok-vm-idles.log", lineAtRunning);
        await().atMost(END).until(() -> recorder.saw(InstanceState.Running) || recorder.ended());
        assertThat(lineAtRunning.get()).as("the console line that made it Running").isEqualTo("Hello from Unifarm!");
        long running = System.nanoTime();
        await().pollDelay(Duration.ofMillis(500)).atMost(END)
                .until(() -> Duration.ofNanos(System.nanoTime() - running).compareTo(GRACE.plusSeconds(4)) > 0);

        assertThat(recorder.ended()).as("ended %s after Running: %s", GRACE.plusSeconds(4), recorder.statuses()).isFalse();
        scheduler.stop("ok");
        assertThat(recorder.awaitEnd(END).state()).isEqualTo(InstanceState.Stopped);
    }

    /** A diagnosed failure whose VM had to be stopped is filed under its diagnosis, not Hung. */
    @Test
    void testDiagnosedFailureWhoseVmWasStopped_isFiledUnderTheDiagnosis() {
        Recorder recorder = start("nosys", "farm-stock-mknodat-enosys.log");
        InstanceStatus end = recorder.awaitEnd(END);

        System.out.println("stock kernel: " + end.reason() + ": " + end.message());
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("SyscallNotImplemented");
        assertThat(end.message()).contains("the kernel does not implement mknodat")
                .contains("the VM did not exit within PT3S of \"Failed to initialize CoreCLR, HRESULT: 0x80004005")
                .contains("and was stopped");
    }

    /** The app's first own line makes it Running (not the kernel's Info: lines); a kernel that halts before the app never is. */
    @Test
    void testKernelThatHaltedBeforeTheApp_isNeverRunning() {
        Recorder recorder = start("halt", "farm-tcg-default-cpu-no-1gib-pages.log");
        InstanceStatus end = recorder.awaitEnd(END);

        System.out.println("default TCG CPU: " + end.reason() + ": " + end.message());
        assertThat(recorder.states()).containsExactly(InstanceState.Pending, InstanceState.Booting, InstanceState.Failed);
        assertThat(end.message()).contains("1GiB pages not supported").contains("was stopped");
    }

    private Recorder start(String id, String recording) {
        return start(id, recording, new AtomicReference<>());
    }

    /** Starts the replay; {@code lineAtRunning} gets the last console line when Running is published (the line that made it so). */
    private Recorder start(String id, String recording, AtomicReference<String> lineAtRunning) {
        Image replay = new Image(hello.digest(), hello.manifest(), hello.initrd(), RecordedConsoleKernel.of(recording, work));
        Recorder recorder = new Recorder();
        InstanceListener listener = status -> {
            if (status.state() == InstanceState.Running) {
                scheduler.console(id).filter(lines -> !lines.isEmpty()).ifPresent(lines -> lineAtRunning.compareAndSet(null,
                        lines.get(lines.size() - 1)));
            }
            recorder.changed(status);
        };
        scheduler.start(new LaunchRequest(id, replay, null, null, MEMORY, instances.resolve(id)), listener);
        return recorder;
    }
}
