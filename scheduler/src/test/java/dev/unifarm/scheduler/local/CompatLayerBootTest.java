package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.rootfs.ProcPatch;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.console.CompatConsoleProtocol;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.SchedulerCleanup;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility layer (imager/src/main/c/unifarm-compat.c) on real QEMU, Linux and CoreCLR 2.0,
 * since CI has no Unikraft kernel: strace fails {@code mknodat} with ENOSYS in the app, as app-elfloader
 * 0.16.3 does. Without the layer hello fails as it does on Unikraft (HRESULT 0x80004005); with the
 * layer preloaded (the test asks the imager for it in a {@code linux} image) it runs and exits 0, and
 * the layer's end line reads as the same exit. And an image whose {@code /proc/1/maps} has no
 * {@code [stack]} runs with the layer: its {@code pthread_getattr_np} answer needs no stack calibration.
 */
class CompatLayerBootTest {

    /** strace slows every syscall under TCG, and the trace is printed before the guest ends. */
    private static final Duration TRACED = Duration.ofSeconds(240);
    private static final Duration BOOT = Duration.ofSeconds(120);

    @TempDir
    static Path work;

    /** The watchdog must not stop a traced guest while it prints its trace. */
    private static LocalScheduler scheduler;

    @RegisterExtension
    static final SchedulerCleanup CLEANUP = new SchedulerCleanup(() -> scheduler);

    @TempDir
    Path instances;

    @BeforeAll
    static void createScheduler() {
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node")
                .withLifecycle(new Lifecycle(Duration.ofSeconds(3), Duration.ofSeconds(5),
                        Duration.ofSeconds(5), Backoff.DEFAULT, Duration.ofSeconds(120), Lifecycle.defaultBootTimeout(Accelerator.tcg))));
    }

    @Test
    void testMknodatEnosys_withoutTheLayerFailsAsOnUnikraft() throws IOException {
        Run run = run("c1", TestImages.buildTraced("hello", work, false, List.of("mknodat"), null), TRACED, 512);

        assertThat(run.end().state()).isEqualTo(InstanceState.Failed);
        assertThat(run.console()).contains("Failed to initialize CoreCLR, HRESULT: 0x80004005")
                .doesNotContain("Hello from Unifarm!");
        assertThat(run.console()).noneSatisfy(line -> assertThat(line).startsWith("unifarm-compat: "));
    }

    @Test
    void testMknodatEnosys_withTheLayerSucceeds() throws IOException {
        Run run = run("c2", TestImages.buildTraced("hello", work, false, List.of("mknodat"), true), TRACED, 512);

        assertThat(run.end().state()).isEqualTo(InstanceState.Succeeded);
        assertThat(run.end().exitCode()).isZero();
        assertThat(run.console()).contains("Hello from Unifarm!").doesNotContain("Failed to initialize CoreCLR, HRESULT: 0x80004005");
        // the kernel (strace) still refused: the layer answered above it
        assertThat(run.console()).anySatisfy(line -> assertThat(line).containsAnyOf("mknodat(", "<... mknodat resumed>")
                .endsWith("= -1 ENOSYS (Function not implemented) (INJECTED)"));
        // the layer's end line, as the unifarm-compat detection reads it, says what Linux's panic said
        assertThat(run.console().stream().map(CompatConsoleProtocol::waitStatus).filter(status -> status.isPresent()).findFirst())
                .hasValueSatisfying(status -> assertThat(status).hasValue(0));
    }

    @Test
    void testNoStackInMaps_withTheLayerNeedsNoCalibration() throws IOException {
        // without the layer this image fails StackMappingWrong (DiagnosisBootTest)
        Run run = run("c3", TestImages.buildWithCompat("hello", work, ProcPatch.STACK_MAPPING), BOOT, 384);

        assertThat(run.end().state()).isEqualTo(InstanceState.Succeeded);
        assertThat(run.end().exitCode()).isZero();
        assertThat(run.console()).contains("Hello from Unifarm!", "unifarm-compat: exit 0");
    }

    /** The end of a run and its console. */
    private record Run(InstanceStatus end, List<String> console) {
    }

    private Run run(String id, Image image, Duration bound, int memoryMiB) throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest(id, image, null, null, memoryMiB, instances.resolve(id));
        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(bound);
        List<String> console = Files.readAllLines(request.instanceDir().resolve("console.log"));
        System.out.println(id + " ended " + end.state() + "/" + end.reason() + " exit " + end.exitCode() + ": " + end.message()
                + "\n  console (no kernel, no trace): " + console.stream().filter(line -> !line.startsWith("[")
                        && !line.matches("\\d+ +.*") && !line.contains("(INJECTED)")).toList());
        return new Run(end, console);
    }
}
