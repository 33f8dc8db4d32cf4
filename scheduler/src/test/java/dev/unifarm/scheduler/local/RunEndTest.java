package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import dev.unifarm.scheduler.qmp.QemuGaveUp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every way {@link RunEnd} classifies a run's end, from facts alone: no QEMU. */
class RunEndTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");
    private static final InstanceStatus RUNNING = InstanceStatus.pending("i-1", "node", Instant.parse("2026-01-01T00:00:00Z"))
            .booting(Accelerator.tcg, Instant.parse("2026-01-01T00:00:01Z")).running(Instant.parse("2026-01-01T00:00:02Z"));
    private static final Diagnosis OOM = new Diagnosis("OutOfMemory", "the runtime ran out of memory", "raise memoryMiB",
            "Out of memory.");
    private static final StopSequence.Outcome POWERED_DOWN = new StopSequence.Outcome(StopSequence.Step.POWERDOWN,
            List.of("powerdown: guest powered off"), List.of());
    private static final StopSequence.Outcome KILLED = new StopSequence.Outcome(StopSequence.Step.KILL, List.of("kill: gone"),
            List.of("SHUTDOWN(host-signal)"));
    private static final StopSequence.Outcome GONE = new StopSequence.Outcome(StopSequence.Step.GONE, List.of(), List.of());
    private static final int EXIT_0 = 0;
    private static final int EXIT_3 = 0x300;
    private static final int SIGTERM = 15;

    /** The facts of a run, "nothing happened" unless a test sets them. */
    private static final class Run {
        Integer waitStatus;
        boolean stopRequested;
        String stoppedBy = StopControl.ON_REQUEST;
        StopSequence.Outcome outcome;
        String hungLine;
        String bootTimeout;
        QemuGaveUp gaveUp;
        List<String> qemuLog = List.of();
        String qemuLogTail = "(no QEMU output)";
        String lastLine;
        boolean memoryCapHit;
        Confinement confinement;
        Optional<Diagnosis> diagnosis = Optional.empty();
        List<String> appLines = List.of();
        String qemuExit = "QEMU exited with code 1";
        List<String> guestEvents = List.of();
    }

    private static InstanceStatus end(Consumer<Run> facts) {
        Run run = new Run();
        facts.accept(run);
        return RunEnd.of(RUNNING, new RunFacts(run.waitStatus, run.stopRequested, run.stoppedBy, run.outcome, run.hungLine,
                Duration.ofSeconds(30), run.bootTimeout, run.gaveUp, Accelerator.kvm, run.qemuLog, run.qemuLogTail, run.lastLine,
                run.memoryCapHit, run.confinement, run.diagnosis, run.appLines, run.qemuExit, run.guestEvents), NOW);
    }

    private static Confinement cgroup(Long memoryLimitMiB) {
        return new Confinement(1000, 1000, true, "seccomp", memoryLimitMiB, null, null, "/unifarm/i-1", true, null);
    }

    @Test
    void testOf_appExitZeroSucceeds() {
        InstanceStatus end = end(run -> run.waitStatus = EXIT_0);

        assertThat(end.state()).isEqualTo(InstanceState.Succeeded);
        assertThat(end.exitCode()).isZero();
        assertThat(end.reason()).isEqualTo("Completed");
        assertThat(end.finishedAt()).isEqualTo(NOW);
        assertThat(end.startedAt()).isEqualTo(RUNNING.startedAt());
    }

    @Test
    void testOf_appExitNonZeroFailsWithItsLastWordsOrDiagnosis() {
        InstanceStatus end = end(run -> {
            run.waitStatus = EXIT_3;
            run.appLines = List.of("starting", "bad input");
        });
        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isEqualTo(3);
        assertThat(end.reason()).isEqualTo("Error");
        assertThat(end.message()).isEqualTo("starting | bad input (exit code 3)");

        InstanceStatus diagnosed = end(run -> {
            run.waitStatus = EXIT_3;
            run.diagnosis = Optional.of(OOM);
        });
        assertThat(diagnosed.reason()).isEqualTo("OutOfMemory");
        assertThat(diagnosed.message()).isEqualTo(OOM.message() + " (exit code 3)");
    }

    @Test
    void testOf_memoryCapHitWithoutAnAppEnd() {
        InstanceStatus end = end(run -> {
            run.memoryCapHit = true;
            run.confinement = cgroup(256L);
            run.appLines = List.of("allocating");
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isNull();
        assertThat(end.reason()).isEqualTo("MemoryCapExceeded");
        assertThat(end.message()).isEqualTo("QEMU was killed by its cgroup's memory limit (256 MiB, cgroup /unifarm/i-1): the guest and"
                + " QEMU together touched more memory than the instance may use; only this instance was stopped; console: allocating");
        assertThat(end(run -> {
            run.memoryCapHit = true;
            run.confinement = cgroup(null);
        }).message()).startsWith("QEMU was killed by its cgroup's memory limit (as set, cgroup /unifarm/i-1)")
                .endsWith("only this instance was stopped");
    }

    @Test
    void testOf_anAppEndOnTheConsoleWinsOverEveryStopOfItsOwn() {
        InstanceStatus end = end(run -> {
            run.waitStatus = EXIT_0;
            run.memoryCapHit = true;
            run.confinement = cgroup(256L);
            run.gaveUp = QemuGaveUp.of("guest-panicked").orElseThrow();
            run.bootTimeout = "no app output within 1m";
            run.hungLine = "Unhandled Exception";
            run.outcome = KILLED;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Succeeded);
        assertThat(end.reason()).isEqualTo("Completed");
    }

    @Test
    void testOf_qemuGaveUpSaysSoWithTheLastConsoleLine() {
        InstanceStatus end = end(run -> {
            run.gaveUp = QemuGaveUp.of("internal-error").orElseThrow();
            run.qemuLog = List.of("KVM internal error. Suberror: 1");
            run.lastLine = "Booting";
            run.outcome = KILLED;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("QemuInternalError");
        assertThat(end.message()).startsWith("QEMU stopped the guest (run state internal-error under kvm); QEMU: KVM internal error")
                .endsWith("; last console line: \"Booting\"");
        assertThat(end(run -> run.gaveUp = QemuGaveUp.of("guest-panicked").orElseThrow()).message())
                .isEqualTo("QEMU stopped the guest (run state guest-panicked under kvm)");
    }

    @Test
    void testOf_bootTimeoutSaysHowTheVmWasStopped() {
        InstanceStatus end = end(run -> {
            run.bootTimeout = "no app output within PT1M under kvm; last console line: none (the guest printed nothing)";
            run.outcome = KILLED;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("BootTimeout");
        assertThat(end.message()).isEqualTo("no app output within PT1M under kvm; last console line: none (the guest printed nothing) ("
                + KILLED.describe() + ")");
        assertThat(end(run -> run.bootTimeout = "no app output").message())
                .isEqualTo("no app output (stop sequence did not report)");
    }

    @Test
    void testOf_hungWithoutADiagnosisIsHung() {
        InstanceStatus end = end(run -> {
            run.hungLine = "Unhandled Exception: boom";
            run.outcome = KILLED;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isNull();
        assertThat(end.reason()).isEqualTo("Hung");
        assertThat(end.message()).isEqualTo("Unhandled Exception: boom (no exit within PT30S of this line; " + KILLED.describe() + ")");
    }

    @Test
    void testOf_hungWithADiagnosisKeepsItsReasonAndSaysTheVmWasStopped() {
        InstanceStatus end = end(run -> {
            run.hungLine = "Out of memory.";
            run.diagnosis = Optional.of(OOM);
        });

        assertThat(end.reason()).isEqualTo("OutOfMemory");
        assertThat(end.message()).isEqualTo(OOM.message() + " (the VM did not exit within PT30S of \"Out of memory.\" and was stopped;"
                + " stop sequence did not report)");
    }

    @Test
    void testOf_hungAppThatExitedOnThePowerButtonIsStillHungWithItsCode() {
        InstanceStatus end = end(run -> {
            run.hungLine = "Unhandled Exception: boom";
            run.waitStatus = 128 + SIGTERM << 8;
            run.outcome = POWERED_DOWN;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isEqualTo(128 + SIGTERM);
        assertThat(end.reason()).isEqualTo("Hung");
    }

    @Test
    void testOf_stopRequestedEndsStoppedByTheStepThatEndedIt() {
        InstanceStatus end = end(run -> {
            run.stopRequested = true;
            run.outcome = KILLED;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.exitCode()).isNull();
        assertThat(end.reason()).isEqualTo("Killed");
        assertThat(end.message()).isEqualTo("stopped on request: " + KILLED.describe());
    }

    @Test
    void testOf_stopWithoutAnOutcomeAndByTheFarm() {
        InstanceStatus end = end(run -> {
            run.stopRequested = true;
            run.stoppedBy = "stopped by the farm as it shut down";
        });

        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.reason()).isEqualTo("Stopped");
        assertThat(end.message()).isEqualTo("stopped by the farm as it shut down: stop sequence did not report");
    }

    @Test
    void testOf_appThatExitedOnThePowerButtonIsStoppedWithItsCode() {
        InstanceStatus end = end(run -> {
            run.stopRequested = true;
            run.waitStatus = EXIT_0;
            run.outcome = POWERED_DOWN;
        });

        assertThat(end.state()).isEqualTo(InstanceState.Stopped);
        assertThat(end.exitCode()).isZero();
        assertThat(end.reason()).isEqualTo("PoweredDown");
        assertThat(end.message()).isEqualTo("stopped on request: the app exited with code 0 after the power button; "
                + POWERED_DOWN.describe());
    }

    @Test
    void testOf_appThatEndedByItselfKeepsItsOutcomeDespiteAStop() {
        InstanceStatus end = end(run -> {
            run.stopRequested = true;
            run.waitStatus = EXIT_3;
            run.outcome = GONE;
            run.appLines = List.of("bye");
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("Error");
        assertThat(end.message()).isEqualTo("bye (exit code 3)");
    }

    @Test
    void testOf_qemuGoneBeforeTheAppEndedSaysWhatTheGuestDid() {
        InstanceStatus end = end(run -> {
            run.guestEvents = List.of("GUEST_PANICKED(pause)");
            run.qemuLogTail = "qemu: terminating";
            run.appLines = List.of("working");
        });

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.exitCode()).isNull();
        assertThat(end.reason()).isEqualTo("GuestPanicked");
        assertThat(end.message()).isEqualTo("QEMU exited with code 1 before the app ended (guest: GUEST_PANICKED(pause)): qemu: terminating;"
                + " console: working");
        InstanceStatus quiet = end(run -> run.qemuExit = "QEMU (adopted, pid 42) exited");
        assertThat(quiet.reason()).isEqualTo("VmExited");
        assertThat(quiet.message()).isEqualTo("QEMU (adopted, pid 42) exited before the app ended: (no QEMU output)");
    }

    @Test
    void testOf_qemuGoneWithADiagnosisKeepsIt() {
        InstanceStatus end = end(run -> run.diagnosis = Optional.of(OOM));

        assertThat(end.state()).isEqualTo(InstanceState.Failed);
        assertThat(end.reason()).isEqualTo("OutOfMemory");
        assertThat(end.message()).isEqualTo(OOM.message() + " (QEMU exited with code 1 before the app ended)");
    }
}
