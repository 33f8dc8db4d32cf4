package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.imager.model.Workload;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import dev.unifarm.scheduler.coverage.NeedsTrial;
import dev.unifarm.scheduler.coverage.SyscallNeed;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Needs sweeps in one boot (issue 19), real QEMU, kernel, strace and CoreCLR: the guest runs the app once per
 * injection and prints a verdict line each, which {@link NeedsConsole} classes. Launched without a port: the farm
 * neither forwards nor probes, the guest sends an app's requests to its own loopback.
 */
class NeedsSweepBootTest {

    private static final Duration RUN = Duration.ofMinutes(10);

    @TempDir
    static Path work;

    @TempDir
    static Path instances;

    private static LocalScheduler scheduler;

    @BeforeAll
    static void startScheduler() {
        scheduler = new LocalScheduler(LocalOptions.of(AcceleratorProbe.detect(), "test-node"));
    }

    @AfterAll
    static void closeScheduler() {
        if (scheduler != null) {
            scheduler.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.liveCount() == 0);
        }
    }

    /**
     * The syscalls a real Unikraft 0.16.3 answered ENOSYS while hello still ran (the recorded consoles) come out
     * stubbable; mknodat (CoreCLR 2.0's debugger pipe, made whatever COMPlus_EnableDiagnostics says) fails stubbed and
     * passes faked; openat and mmap are required, mmap without a fake trial; exit_group is never tried.
     */
    @Test
    void testHelloSweep_classesAsCoreClr20NeedsThem() throws IOException {
        List<String> names = List.of("clone3", "exit_group", "faccessat2", "mknodat", "mmap", "openat", "rseq", "sched_getparam",
                "sched_getscheduler", "set_robust_list");
        NeedsSweepResult result = sweep("hello", List.of("a", "b"), names, new NeedsSweep(names, Workload.asBaseline(), null, Duration.ofMinutes(15)));

        assertThat(result.ended()).isTrue();
        assertThat(result.limited()).isFalse();
        assertThat(result.baseline().passed()).isTrue();
        assertThat(result.baseline().exitCode()).isZero();
        assertThat(result.names(NeedClass.stubbable))
                .containsExactlyInAnyOrder("clone3", "faccessat2", "rseq", "sched_getparam", "sched_getscheduler", "set_robust_list");
        assertThat(result.names(NeedClass.fakeable)).containsExactly("mknodat");
        assertThat(result.names(NeedClass.required)).containsExactlyInAnyOrder("mmap", "openat");
        assertThat(result.names(NeedClass.untried)).containsExactly("exit_group");

        SyscallNeed mknodat = result.need("mknodat").orElseThrow();
        assertThat(mknodat.stub().verdict()).isEqualTo(NeedsTrial.Verdict.fail);
        assertThat(mknodat.stub().firstDifference()).as("CoreCLR gives up without its debugger pipe").contains("Failed to initialize CoreCLR");
        assertThat(mknodat.fake().passed()).isTrue();
        SyscallNeed mmap = result.need("mmap").orElseThrow();
        assertThat(mmap.fake()).isNull();
        assertThat(mmap.note()).startsWith("not faked: ");
        SyscallNeed openat = result.need("openat").orElseThrow();
        assertThat(openat.stub().exitCode()).isNotZero();
        assertThat(openat.fake().passed()).isFalse();
        // 1 baseline, 9 stub trials, fake trials for mknodat and openat only (a passing stub decides; mmap is never faked)
        assertThat(result.trials()).isEqualTo(12);
    }

    /** The sweep's limit stops trials from starting (the baseline still runs): the rest is untried, the end says so. */
    @Test
    void testSweepLimit_leavesTheRestUntried() throws IOException {
        NeedsSweepResult result = sweep("hello", List.of(), List.of("faccessat2", "openat"), new NeedsSweep(List.of("faccessat2", "openat"), Workload.asBaseline(), null,
                Duration.ofMillis(1)));

        assertThat(result.ended()).isTrue();
        assertThat(result.limited()).isTrue();
        assertThat(result.baseline().passed()).isTrue();
        assertThat(result.names(NeedClass.untried)).containsExactly("faccessat2", "openat");
        assertThat(result.need("openat").orElseThrow().note()).contains("limit");
    }

    /**
     * An app with a port is judged by HTTP inside the guest: the configured request's status and body. accept4 (only the
     * request path calls it) is required: stubbed, the app throws and never answers; faked, it takes fd 0 for a connection
     * and either waits there until the trial's bound ends it (hung) or dies on it; either way the sweep goes on.
     */
    @Test
    void testEchoHttpSweep_judgedByHttp() throws IOException {
        Workload workload = new Workload(List.of(new Workload.Request("/hello?x=1", 200, "echo-http: GET /hello?x=1")), null, null);
        List<String> names = List.of("accept4", "faccessat2", "mknodat");
        NeedsSweepResult result = sweep("echo-http", List.of(), names, new NeedsSweep(names, workload, 8080, Duration.ofMinutes(15)));

        assertThat(result.ended()).isTrue();
        assertThat(result.baseline().passed()).isTrue();
        assertThat(result.baseline().httpStatus()).isEqualTo(200);
        SyscallNeed accept4 = result.need("accept4").orElseThrow();
        assertThat(accept4.needClass()).isEqualTo(NeedClass.required);
        assertThat(accept4.stub().httpStatus()).isZero();
        assertThat(accept4.stub().firstDifference()).startsWith("GET /hello?x=1: no answer").contains("Accept");
        // faked, it takes fd 0 for a connection: it either waits there until the trial's bound or dies on it
        assertThat(accept4.fake().verdict()).isIn(NeedsTrial.Verdict.hung, NeedsTrial.Verdict.fail);
        assertThat(accept4.fake().httpStatus()).isZero();
        assertThat(result.names(NeedClass.stubbable)).containsExactly("faccessat2");
        assertThat(result.need("faccessat2").orElseThrow().stub().httpStatus()).isEqualTo(200);
        assertThat(result.names(NeedClass.fakeable)).containsExactly("mknodat");
    }

    /**
     * A worker that never ends (graceful: waits for SIGTERM, prints its ProcessExit line) is judged after its settle
     * time: SIGTERM to the app, then its exit code and output as the baseline's. rt_sigaction, stubbable for hello, is
     * required here: without it the runtime installs no SIGTERM handler and the stop kills the app before its line.
     */
    @Test
    void testWorkerSweep_settleTimeThenSigterm() throws IOException {
        List<String> names = List.of("faccessat2", "rt_sigaction");
        NeedsSweepResult result = sweep("graceful", List.of(), names,
                new NeedsSweep(names, new Workload(List.of(), null, null, Duration.ofSeconds(2)), null, Duration.ofMinutes(15)));

        assertThat(result.baseline().passed()).isTrue();
        assertThat(result.names(NeedClass.stubbable)).containsExactly("faccessat2");
        SyscallNeed sigaction = result.need("rt_sigaction").orElseThrow();
        assertThat(sigaction.needClass()).isEqualTo(NeedClass.required);
        assertThat(sigaction.stub().exitCode()).as("SIGTERM's default action").isEqualTo(143);
        assertThat(sigaction.stub().firstDifference()).isEqualTo("-graceful: ProcessExit, shutting down cleanly");
    }

    private static NeedsSweepResult sweep(String sample, List<String> args, List<String> planned, NeedsSweep sweep) throws IOException {
        Image image = TestImages.buildNeedsSweep(sample, work, sweep);
        Recorder recorder = new Recorder();
        String id = sample + "-needs-" + System.nanoTime();
        LaunchRequest request = new LaunchRequest(id, image, args, null, 512, instances.resolve(id), 0);
        long t0 = System.nanoTime();
        scheduler.start(request, recorder);
        InstanceStatus end = recorder.awaitEnd(RUN);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        List<String> console = Files.readAllLines(request.instanceDir().resolve("console.log"));
        NeedsSweepResult result = NeedsConsole.parse(console, planned);
        boolean baselinePassed = result.baseline() != null && result.baseline().passed();
        // the whole console when the baseline failed: the guest's own lines say why
        console.stream().filter(l -> !baselinePassed || l.contains("unifarm-needs")).forEach(System.out::println);
        assertThat(end.state()).as("the guest ends by itself once the sweep is over: %s", end).isEqualTo(InstanceState.Succeeded);
        System.out.println(sample + " sweep: " + ms + " ms, " + result.trials() + " trials, end " + end);
        for (NeedClass c : NeedClass.values()) {
            System.out.println(sample + " " + c + " " + result.names(c));
        }
        return result;
    }
}
