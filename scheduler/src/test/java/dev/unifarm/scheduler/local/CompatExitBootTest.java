package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.testing.CompatGuest;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.SchedulerCleanup;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code unifarm-compat} exit detection on real QEMU: an image whose manifest says {@code exit:
 * unifarm-compat} (so QEMU gets isa-debug-exit), booted on {@link CompatGuest}s that print an app line and
 * the layer's end line, then power off through isa-debug-exit as the layer does on app-elfloader, or
 * spin as a VM that cannot. The instance ends with the code of the line; a VM that stays up after it is
 * stopped by the farm {@link QemuInstance#POWER_OFF_GRACE} later with the app's end.
 */
class CompatExitBootTest {

    @TempDir
    static Path work;
    private static Image hello;
    private static LocalScheduler scheduler;

    @RegisterExtension
    static final SchedulerCleanup CLEANUP = new SchedulerCleanup(() -> scheduler);

    @TempDir
    Path instances;

    @BeforeAll
    static void buildImage() {
        Path bundle = work.resolve("bundle");
        hello = ImageBuilder.forBundle(new BundleReader().read(TestImages.sample("hello"), bundle, Optional.empty()))
                .runtimes(TestImages.runtimeStore())
                .profile(KernelProfile.linux(TestImages.linuxKernel()).withExit(KernelProfile.ExitDetection.UNIFARM_COMPAT))
                .compat(true)
                .build(new ImageStore(work.resolve("store")));
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"));
    }

    @Test
    void testExitZeroPoweredOff_succeeds() throws IOException {
        Ended run = run("e1", CompatGuest.writeTo(work, "exit0", "Hello from Unifarm!\nunifarm-compat: exit 0\n", 0));

        assertThat(run.end().state()).isEqualTo(InstanceState.Succeeded);
        assertThat(run.end().exitCode()).isZero();
        assertThat(run.command()).contains("isa-debug-exit,iobase=0xf4,iosize=0x04");
    }

    @Test
    void testExitThreePoweredOff_failsWithThree() throws IOException {
        Ended run = run("e2", CompatGuest.writeTo(work, "exit3", "Hello from Unifarm!\nsomething went wrong\nunifarm-compat: exit 3\n", 3));

        assertThat(run.end().state()).isEqualTo(InstanceState.Failed);
        assertThat(run.end().exitCode()).isEqualTo(3);
        assertThat(run.end().message()).contains("exit code 3");
    }

    @Test
    void testAbort_isSigabrt() throws IOException {
        Ended run = run("e3", CompatGuest.writeTo(work, "abort", "Hello from Unifarm!\nunifarm-compat: abort\n", 134));

        assertThat(run.end().state()).isEqualTo(InstanceState.Failed);
        assertThat(run.end().exitCode()).isEqualTo(134);
        assertThat(run.end().message()).contains("killed by signal 6");
    }

    @Test
    void testEndLineButNoPowerOff_theFarmStopsTheVmAndKeepsTheAppsEnd() throws IOException {
        long started = System.nanoTime();
        Ended run = run("e4", CompatGuest.writeTo(work, "stuck", "Hello from Unifarm!\nunifarm-compat: exit 0\n", null));

        assertThat(run.end().state()).isEqualTo(InstanceState.Succeeded);
        assertThat(run.end().exitCode()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(QemuInstance.POWER_OFF_GRACE);
    }

    private record Ended(InstanceStatus end, String command) {
    }

    private Ended run(String id, Path guest) throws IOException {
        Image image = new Image(hello.digest(), hello.manifest(), hello.initrd(), guest);
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest(id, image, null, null, 128, instances.resolve(id));
        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(90));
        String command = Files.readString(request.instanceDir().resolve("qemu.cmdline"));
        System.out.println(id + " ended " + end.state() + "/" + end.reason() + " exit " + end.exitCode() + ": " + end.message());
        return new Ended(end, command);
    }
}
