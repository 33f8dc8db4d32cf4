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
 * Each diagnosable signature produced for real under the {@code linux} profile (real QEMU, kernel,
 * CoreCLR): images built without one of the stand-ins, the crash sample and the hang sample, and a
 * traced image whose strace fails a syscall with ENOSYS (Linux 6.1 implements every syscall .NET
 * makes, so the missing one is injected: the app sees {@code -ENOSYS} as from a kernel without it);
 * the instance status names the cause (reason) and the fix (message).
 */
class DiagnosisBootTest {

    private static final Duration BOOT = Duration.ofSeconds(120);
    /** strace slows every syscall under TCG, and the trace is printed before the guest ends. */
    private static final Duration TRACED = Duration.ofSeconds(240);
    /** A short watchdog grace so the hang sample is stopped soon after its fatal line. */
    private static final Lifecycle FAST = new Lifecycle(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5),
            new Backoff(Duration.ofMillis(200), Duration.ofSeconds(60), Duration.ofSeconds(120)), Duration.ofSeconds(3),
            Lifecycle.defaultBootTimeout(Accelerator.tcg));

    @TempDir
    static Path work;

    private static LocalScheduler scheduler;
    /**
     * For traced runs: the watchdog (armed by the HRESULT line) must not stop the guest while it
     * prints the trace that holds the evidence, which under TCG can take longer than {@link #FAST}'s.
     */
    private static LocalScheduler tracedScheduler;

    @RegisterExtension
    static final SchedulerCleanup CLEANUP = new SchedulerCleanup(() -> scheduler, () -> tracedScheduler);

    @TempDir
    Path instances;

    @BeforeAll
    static void createScheduler() {
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node").withLifecycle(FAST));
        tracedScheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node")
                .withLifecycle(new Lifecycle(Duration.ofSeconds(3), Duration.ofSeconds(5),
                        Duration.ofSeconds(5), Backoff.DEFAULT, Duration.ofSeconds(120), Lifecycle.defaultBootTimeout(Accelerator.tcg))));
    }

    @Test
    void testDiagnosis_withoutStackLineNamesTheStackMapping() throws IOException {
        InstanceStatus end = run("d1", TestImages.build("hello", work, ProcPatch.STACK_MAPPING));

        assertThat(end.reason()).isEqualTo("StackMappingWrong");
        assertThat(end.message()).contains("[stack]").contains("Fix: rebuild the image with the [stack] patch")
                .contains("Failed to initialize CoreCLR, HRESULT: 0x80004005");
    }

    @Test
    void testDiagnosis_withoutSelfExeNamesProcSelfExe() throws IOException {
        InstanceStatus end = run("d2", TestImages.build("hello", work, ProcPatch.SELF_EXE));

        assertThat(end.reason()).isEqualTo("SelfExeMissing");
        assertThat(end.message()).contains("/proc/self/exe is missing").contains("Fix: rebuild the image with the /proc/1/exe patch")
                .contains("Failed to resolve full path of the current executable");
    }

    @Test
    void testDiagnosis_withoutDevZeroNamesDevZero() throws IOException {
        InstanceStatus end = run("d3", TestImages.build("hello", work, ProcPatch.DEV_ZERO));

        assertThat(end.reason()).isEqualTo("DevZeroMissing");
        assertThat(end.message()).contains("/dev/zero is missing").contains("Fix: rebuild the image with /dev/zero")
                .contains("FileLoadException").contains("0x8007054F");
    }

    @Test
    void testDiagnosis_crashNamesTheUnhandledException() throws IOException {
        InstanceStatus end = run("d4", TestImages.build("crash", work));

        assertThat(end.reason()).isEqualTo("UnhandledException");
        assertThat(end.message()).contains("the app threw an exception nothing caught")
                .contains("Unhandled Exception: System.InvalidOperationException: Unifarm crash sample: deliberate failure");
    }

    @Test
    void testDiagnosis_oomSampleBeyondGuestMemoryNamesOutOfMemory() throws IOException {
        // 1024 MiB asked of a 384 MiB guest: Linux refuses the commit, CoreCLR throws OutOfMemoryException
        InstanceStatus end = run("d6", TestImages.build("oom", work));

        assertThat(end.reason()).isEqualTo("OutOfMemory");
        assertThat(end.message()).contains("the app ran out of memory").contains("Fix: give the instance more memory")
                .contains("OutOfMemoryException");
    }

    @Test
    void testDiagnosis_guestKernelOutOfMemoryNamesOutOfMemory() throws IOException {
        // 16 MiB at a time, each commit fits: the guest kernel runs out, kills what it may (never PID 1), then panics
        InstanceStatus end = run("d7", TestImages.build("oom", work), List.of("chunks"));

        assertThat(end.reason()).isEqualTo("OutOfMemory");
        assertThat(end.message()).contains("the app ran out of memory").containsAnyOf("Out of memory", "oom-kill",
                "deadlocked on memory").doesNotContain("OutOfMemoryException");
    }

    @Test
    void testDiagnosis_hungInstanceIsFiledUnderItsDiagnosisSayingItWasStopped() throws IOException {
        InstanceStatus end = run("d5", TestImages.build("hang", work));

        assertThat(end.reason()).isEqualTo("UnhandledException");
        assertThat(end.message()).startsWith("the app threw an exception nothing caught")
                .contains("Unhandled Exception: simulated").contains("the VM did not exit within PT3S").contains("was stopped");
    }

    @Test
    void testDiagnosis_injectedEnosysOnMknodatNamesTheSyscall() throws IOException {
        // CoreCLR 2.0 makes its debugger pipe with mkfifo (mknodat) even with diagnostics off, and gives up without it
        Traced run = runTraced("d8", TestImages.buildTraced("hello", work, false, List.of("mknodat")));

        assertThat(run.end().state()).isEqualTo(InstanceState.Failed);
        assertThat(run.end().reason()).isEqualTo("SyscallNotImplemented");
        assertThat(run.end().message()).contains("the kernel does not implement mknodat").contains("Fix: use a kernel with mknodat")
                .contains("Failed to initialize CoreCLR, HRESULT: 0x80004005");
        assertThat(run.console()).anySatisfy(line -> assertThat(line).containsAnyOf("mknodat(", "<... mknodat resumed>")
                .endsWith("= -1 ENOSYS (Function not implemented) (INJECTED)"));
        assertThat(run.console()).noneSatisfy(line -> assertThat(line).contains("Hello from Unifarm!"));
    }

    @Test
    void testDiagnosis_injectedEnosysOnSyscallsGlibcDoesWithoutStillSucceeds() throws IOException {
        // negative control: glibc falls back from clone3 to clone and runs without rseq
        Traced run = runTraced("d9", TestImages.buildTraced("hello", work, false, List.of("clone3", "rseq")));

        assertThat(run.end().state()).isEqualTo(InstanceState.Succeeded);
        assertThat(run.end().exitCode()).isZero();
        assertThat(run.console()).contains("Hello from Unifarm!");
        for (String name : List.of("clone3", "rseq")) {
            // a call another thread's line interrupted is printed as "<... name resumed>) = …"
            assertThat(run.console()).as("strace failed %s", name).anySatisfy(line -> assertThat(line)
                    .containsAnyOf(name + "(", "<... " + name + " resumed>").endsWith("= -1 ENOSYS (Function not implemented) (INJECTED)"));
        }
    }

    /** The end of a traced run and its console (trace included). */
    private record Traced(InstanceStatus end, List<String> console) {
    }

    private Traced runTraced(String id, Image image) throws IOException {
        Recorder recorder = new Recorder();
        // strace's guest process and its buffers: more than a plain run's memory, as the farm's reference runs
        LaunchRequest request = new LaunchRequest(id, image, null, null, 512, instances.resolve(id));
        tracedScheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(TRACED);
        List<String> console = Files.readAllLines(request.instanceDir().resolve("console.log"));
        List<String> app = console.stream().filter(line -> !line.startsWith("[") && !line.matches("\\d+ +.*")).toList();
        System.out.println(id + " ended " + end.state() + "/" + end.reason() + ": " + end.message() + "\n  console (no trace): " + app
                + "\n  injected: " + console.stream().filter(line -> line.endsWith("(INJECTED)")).toList());
        return new Traced(end, console);
    }

    private InstanceStatus run(String id, Image image) throws IOException {
        return run(id, image, null);
    }

    private InstanceStatus run(String id, Image image, List<String> args) throws IOException {
        Recorder recorder = new Recorder();
        LaunchRequest request = new LaunchRequest(id, image, args, null, 384, instances.resolve(id));
        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(BOOT);
        List<String> console = Files.readAllLines(request.instanceDir().resolve("console.log")).stream()
                .filter(line -> !line.startsWith("[")).toList();
        System.out.println(id + " ended " + end.state() + "/" + end.reason() + ": " + end.message() + "\n  console: " + console);
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(console).noneSatisfy(line -> assertThat(line).contains("Hello from Unifarm!"));
        return end;
    }
}
