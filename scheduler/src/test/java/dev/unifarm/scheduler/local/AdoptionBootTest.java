package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.Scheduler;
import dev.unifarm.scheduler.local.containment.Jail;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Adoption of a QEMU another process started, as a farm restarted after {@code kill -9} finds it: the
 * test plays the dead farm by running QEMU with the scheduler's own command line, then a scheduler
 * adopts it by its instance dir. (The farm jar itself is killed in the api's {@code FarmRestartIT}.)
 */
class AdoptionBootTest {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final String LISTENING = "echo-http listening on port 8080";

    @TempDir
    static Path work;

    private static Image echoHttp;

    @TempDir
    Path instances;

    private final List<Process> started = new ArrayList<>();
    private LocalScheduler scheduler;

    @BeforeAll
    static void buildImage() {
        echoHttp = TestImages.build("echo-http", work);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (scheduler != null) {
            scheduler.close();
        }
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void testAdopt_runningQemuIsSupervisedAndStoppable() throws IOException {
        LaunchRequest request = new LaunchRequest("i1", echoHttp, null, null, 384, instances.resolve("i1"));
        Process qemu = runAsPreviousFarm(request, List.of());
        Path raw = request.instanceDir().resolve(Jail.CONSOLE_RAW);
        await().atMost(BOOT).until(() -> Files.exists(raw) && Files.readString(raw).contains(LISTENING));
        Instant readyAt = Instant.parse("2020-01-01T00:00:10Z");
        InstanceStatus recorded = new InstanceStatus("i1", InstanceState.Running, null, null, null, Accelerator.tcg, "old-node",
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-01T00:00:01Z"), readyAt, null, null, 0);
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "node"));
        Recorder recorder = new Recorder();

        Adoption.Finding finding = scheduler.adopt(
                new AdoptRequest("i1", request.instanceDir(), KernelProfile.ExitDetection.LINUX_PANIC, recorded), recorder);

        assertThat(finding.adoptable()).as(finding.why()).isTrue();
        assertThat(finding.qemu()).get().extracting(ProcessHandle::pid).isEqualTo(qemu.pid());
        assertThat(scheduler.status("i1")).contains(recorded);
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.console("i1").orElseThrow().stream()
                .anyMatch(line -> line.contains(LISTENING)));
        assertThat(Files.readAllLines(request.instanceDir().resolve("console.log")))
                .as("console.log rebuilt from the raw console").anySatisfy(line -> assertThat(line).contains(LISTENING));

        assertThat(scheduler.stop("i1")).isTrue();
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(30));

        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.message()).as("stopped by pid with the stop sequence").contains("ended by");
        assertThat(end.readyAt()).isEqualTo(readyAt);
        assertThat(end.createdAt()).isEqualTo(recorded.createdAt());
        await().atMost(Duration.ofSeconds(10)).until(() -> !qemu.isAlive());
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.liveCount() == 0);
    }

    @Test
    void testAdopt_pausedQemuIsNotAdopted() throws IOException {
        LaunchRequest request = new LaunchRequest("i1", echoHttp, null, null, 384, instances.resolve("i1"));
        // -S: QEMU waits paused (prelaunch) for a "cont" that never comes
        runAsPreviousFarm(request, List.of("-S"));
        Path pidFile = request.instanceDir().resolve(QemuProcess.PID_FILE);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "node"));

        Adoption.Finding finding = await().atMost(Duration.ofSeconds(30))
                .until(() -> scheduler.adopt(new AdoptRequest("i1", request.instanceDir(), KernelProfile.ExitDetection.LINUX_PANIC,
                        InstanceStatus.pending("i1", "node", Instant.now())), new Recorder()), f -> f.qemu().isPresent()
                        && !f.why().contains("QMP"));

        assertThat(finding.adoptable()).isFalse();
        assertThat(finding.why()).contains("prelaunch");
        assertThat(scheduler.status("i1")).isEmpty();
        assertThat(Adoption.kill(finding.qemu(), Duration.ofSeconds(10))).isTrue();
        // The test JVM started this QEMU, so the JDK reaps it: until then it is a zombie that "is alive".
        await().atMost(Duration.ofSeconds(10)).until(() -> !finding.qemu().get().isAlive());
    }

    @Test
    void testAdopt_dirWithoutQemuIsNotAdopted() throws IOException {
        Path dir = Files.createDirectories(instances.resolve("i1"));
        Files.writeString(dir.resolve(QemuProcess.PID_FILE), ProcessHandle.current().pid() + "\n");
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "node"));

        Adoption.Finding finding = scheduler.adopt(new AdoptRequest("i1", dir, KernelProfile.ExitDetection.LINUX_PANIC,
                InstanceStatus.pending("i1", "node", Instant.now())), new Recorder());

        assertThat(finding.adoptable()).isFalse();
        assertThat(finding.qemu()).as("a pid that is not a QEMU in this dir is not ours").isEmpty();
        assertThat(scheduler.liveCount()).isZero();
    }

    /**
     * A guest that ended while no farm ran (its QEMU is gone): re-attachment reads the raw console's end
     * and records what a supervised run of the same image records (state, exit code, reason), not
     * {@code FarmRestarted}; console.log is rebuilt with what the app printed meanwhile.
     */
    @ParameterizedTest
    @CsvSource({"hello, Hello from Unifarm!", "crash, crash: about to throw"})
    void testReattach_guestThatEndedWhileTheFarmWasDownKeepsItsEnd(String sample, String printed) throws Exception {
        Image image = TestImages.build(sample, work);
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "node"));
        Recorder supervised = new Recorder();
        scheduler.start(new LaunchRequest("live", image, null, null, 384, instances.resolve("live")), supervised);
        InstanceStatus live = supervised.awaitEnd(BOOT);
        LaunchRequest request = new LaunchRequest("i1", image, null, null, 384, instances.resolve("i1"));
        Process qemu = runAsPreviousFarm(request, List.of());
        assertThat(qemu.waitFor(BOOT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("the guest ends by itself").isTrue();
        InstanceStatus recorded = new InstanceStatus("i1", InstanceState.Running, null, null, null, Accelerator.tcg, "old-node",
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-01T00:00:01Z"), Instant.parse("2020-01-01T00:00:02Z"),
                null, null, 0);
        Recorder recorder = new Recorder();

        Scheduler.Reattachment outcome = scheduler.reattach(new AdoptRequest("i1", request.instanceDir(),
                KernelProfile.ExitDetection.LINUX_PANIC, recorded), recorder, RestartPolicy.Never);

        assertThat(outcome.attached()).isFalse();
        assertThat(outcome.ended()).as(outcome.why()).isTrue();
        assertThat(outcome.why()).startsWith("its guest ended while the farm was down");
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(1));
        assertThat(end.state()).as(end.message()).isEqualTo(live.state()).isNotEqualTo(InstanceState.Stopped);
        assertThat(end.exitCode()).isNotNull().isEqualTo(live.exitCode());
        assertThat(end.reason()).isEqualTo(live.reason()).isNotEqualTo("FarmRestarted");
        assertThat(end.message()).startsWith(live.message()).endsWith("(it ended while the farm was down; read from its console)");
        assertThat(end.readyAt()).as("the recorded timestamps are kept").isEqualTo(recorded.readyAt());
        assertThat(end.finishedAt()).isAfter(recorded.readyAt());
        assertThat(Files.readString(request.instanceDir().resolve("console.log"))).contains(printed);
        assertThat(scheduler.liveCount()).isZero();
    }

    /** Starts QEMU as the scheduler would, from this JVM, with nothing following it. */
    private Process runAsPreviousFarm(LaunchRequest request, List<String> extra) throws IOException {
        Path dir = Files.createDirectories(request.instanceDir());
        Files.createDirectories(dir.resolve(Jail.VM_DIR));
        List<String> command = new ArrayList<>(QemuCommand.of(request, request.image(), Accelerator.tcg,
                Path.of(QemuInstance.QMP_SOCKET), Path.of(QemuProcess.PID_FILE)));
        command.addAll(extra);
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        started.add(process);
        return process;
    }
}
