package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.SilentKernel;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The boot bound on real QEMU: a guest that never gets to the app ends Failed/BootTimeout and its QEMU goes. */
class BootBoundBootTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int MEMORY = 384;

    @TempDir
    static Path work;

    private static Image hello;
    private static Image ticker;
    private static LocalScheduler scheduler;

    @TempDir
    Path instances;

    @BeforeAll
    static void setUp() {
        hello = TestImages.build("hello", work);
        ticker = TestImages.build("ticker", work);
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "test-node")
                .withLifecycle(Lifecycle.defaults(Duration.ofSeconds(5)).withBootTimeout(BOUND)));
    }

    @AfterAll
    static void closeScheduler() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void testBoot_noAppOutputWithinTheBound_failsBootTimeoutNamingTheLastLineAndTheAccelerator() throws IOException {
        Image silent = new Image(hello.digest(), hello.manifest(), hello.initrd(), SilentKernel.writeTo(work));
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest("b1", silent, null, null, MEMORY, instances.resolve("b1"));

        scheduler.start(request, recorder);
        long pid = qemuPid(request);
        InstanceStatus end = recorder.awaitEnd(BOUND.plusSeconds(60));

        System.out.println("silent guest: " + end.reason() + ": " + end.message());
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("BootTimeout");
        assertThat(end.message()).startsWith("no app output within PT20S under tcg; last console line: \"" + SilentKernel.LINE + "\"")
                .contains("ended by");
        assertThat(recorder.states()).containsExactly(InstanceState.Pending, InstanceState.Booting, InstanceState.Failed);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    /** The negative control: an app that printed keeps running past the bound. */
    @Test
    void testBoot_appThatPrintedIsNotStoppedByTheBound() {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest("t1", ticker, null, null, MEMORY, instances.resolve("t1"));
        long started = System.nanoTime();

        scheduler.start(request, recorder);
        await().atMost(BOUND.plusSeconds(60)).until(() -> recorder.saw(InstanceState.Running) || recorder.ended());
        await().pollDelay(Duration.ofMillis(500)).atMost(BOUND.plusSeconds(30))
                .until(() -> Duration.ofNanos(System.nanoTime() - started).compareTo(BOUND.plusSeconds(5)) > 0);

        assertThat(recorder.ended()).as("still running %s after its start: %s", BOUND.plusSeconds(5), recorder.statuses()).isFalse();
        scheduler.stop("t1");
        assertThat(recorder.awaitEnd(Duration.ofSeconds(60)).state()).isEqualTo(InstanceState.Stopped);
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
}
