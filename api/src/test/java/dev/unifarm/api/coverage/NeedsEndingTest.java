package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A needs sweep's end from its console, in the protocol {@code NeedsConsole} reads (recorded-style lines, no QEMU): Done
 * with its classes when the baseline passed, Failed saying why otherwise; and the live trial count.
 */
class NeedsEndingTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> PLANNED = List.of("exit_group", "mknodat", "mmap", "openat", "rseq", "sched_getaffinity");
    private static final InstanceStatus POWERED_OFF = ended(InstanceState.Succeeded, 0, "Completed", "the app exited with code 0");
    private static final List<String> COMPLETE = List.of(
            "[    1.234567] Run /init as init process",
            "unifarm-needs-begin mknodat mmap openat rseq sched_getaffinity",
            "Hello from Unifarm!",
            "unifarm-needs-trial 0 baseline - pass 0 4100 -",
            "unifarm-needs-trial 1 stub mknodat fail 137 3900 - Failed to initialize CoreCLR, HRESULT: 0x80004005",
            "unifarm-needs-trial 2 fake mknodat fail 137 3800 - Failed to initialize CoreCLR, HRESULT: 0x80004005",
            "unifarm-needs-trial 3 stub mmap fail 134 900 - (no output)",
            "unifarm-needs-trial 4 stub openat fail 131 1200 - The library 'libhostfxr.so' required to execute the application was"
                    + " not found",
            "unifarm-needs-trial 5 fake openat fail 139 800 - (no output)",
            "unifarm-needs-trial 6 stub rseq pass 0 4000 -",
            "unifarm-needs-trial 7 stub sched_getaffinity fail 134 3000 - Unhandled Exception: System.OutOfMemoryException",
            "unifarm-needs-trial 8 fake sched_getaffinity pass 0 4000 -",
            "unifarm-needs-end 9 complete",
            "[    9.876543] reboot: Power down");

    private static InstanceStatus ended(InstanceState state, Integer code, String reason, String message) {
        return InstanceStatus.pending("n-1", "node", T).finished(state, code, reason, message, T);
    }

    @Test
    void testComplete_isDoneWithEachSyscallsClass() {
        NeedsEnding ending = NeedsEnding.of(COMPLETE, PLANNED, POWERED_OFF, null);

        assertThat(ending.done()).isTrue();
        assertThat(ending.message()).isEqualTo("6 syscalls: 3 required, 1 fakeable, 1 stubbable, 1 untried in 9 trials");
        NeedsSweepResult result = ending.result();
        assertThat(result.names(NeedClass.required)).containsExactly("mknodat", "mmap", "openat");
        assertThat(result.names(NeedClass.fakeable)).containsExactly("sched_getaffinity");
        assertThat(result.names(NeedClass.stubbable)).containsExactly("rseq");
        assertThat(result.names(NeedClass.untried)).as("never injected").containsExactly("exit_group");
        assertThat(result.need("mmap").orElseThrow().note()).as("never faked").startsWith("not faked: ");
        assertThat(result.need("mknodat").orElseThrow().stub().firstDifference()).contains("HRESULT: 0x80004005");
    }

    @Test
    void testResult_roundTripsThroughTheRecordsJson() throws IOException {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules();
        NeedsSweepResult result = NeedsEnding.of(COMPLETE, PLANNED, POWERED_OFF, null).result();

        assertThat(json.readValue(json.writeValueAsString(result), NeedsSweepResult.class)).isEqualTo(result);
    }

    @Test
    void testCutOffByTheFarmsStop_keepsWhatTheConsoleHas() {
        List<String> cut = COMPLETE.subList(0, 9);
        InstanceStatus quit = ended(InstanceState.Stopped, null, "Quit", "stopped by the farm");

        NeedsEnding ending = NeedsEnding.of(cut, PLANNED, quit, "still running PT22M after its start");

        assertThat(ending.done()).isTrue();
        assertThat(ending.result().names(NeedClass.untried)).containsExactly("exit_group", "rseq", "sched_getaffinity");
        assertThat(ending.message()).isEqualTo("6 syscalls: 3 required, 0 fakeable, 0 stubbable, 3 untried in 6 trials;"
                + " still running PT22M after its start, then stopped: the syscalls not reached are untried");
    }

    @Test
    void testGuestsOwnLimit_saysSo() {
        List<String> limited = new ArrayList<>(COMPLETE.subList(0, 7));
        limited.add("unifarm-needs-end 4 limit");

        NeedsEnding ending = NeedsEnding.of(limited, PLANNED, POWERED_OFF, null);

        assertThat(ending.message()).endsWith("untried in 4 trials; the guest reached unifarm.coverage.needs-limit and started no"
                + " trial after it");
    }

    @Test
    void testBaselineFailed_isFailedWithItsFirstDifference() {
        List<String> console = List.of("unifarm-needs-begin mmap",
                "unifarm-needs-trial 0 baseline - fail 0 4100 - expected line missing: Hello from Unifarm!", "unifarm-needs-end 1 complete");

        NeedsEnding ending = NeedsEnding.of(console, List.of("mmap"), POWERED_OFF, null);

        assertThat(ending.done()).isFalse();
        assertThat(ending.message()).startsWith("the app fails its workload with nothing injected: expected line missing: Hello from"
                + " Unifarm!; check spec.coverage.workload");
    }

    @Test
    void testBaselineOfAServerFailedWithoutADifference_namesItsStatus() {
        List<String> console = List.of("unifarm-needs-trial 0 baseline - hung - 60000 0");

        assertThat(NeedsEnding.of(console, List.of("accept4"), POWERED_OFF, null).message())
                .startsWith("the app fails its workload with nothing injected: hung, exit code null, HTTP status 0");
    }

    @Test
    void testNoSweepLine_saysHowTheGuestEnded() {
        InstanceStatus panic = ended(InstanceState.Failed, 1, "KernelPanic", "Kernel panic - not syncing: Attempted to kill init!");

        NeedsEnding ending = NeedsEnding.of(List.of("[    0.1] Linux version 6.1"), PLANNED, panic, null);

        assertThat(ending.done()).isFalse();
        assertThat(ending.message()).isEqualTo("no needs sweep on the console (Failed, KernelPanic: Kernel panic - not syncing:"
                + " Attempted to kill init!): the traced guest ended before /init began the sweep");
        assertThat(NeedsEnding.of(List.of("unifarm-needs-begin mmap"), PLANNED, panic, null).message())
                .startsWith("the sweep began but reported no baseline trial (Failed, KernelPanic");
    }

    @Test
    void testTrialLines_countsEachTrialAsItIsWritten() throws IOException {
        List<String> seen = new ArrayList<>();
        TrialLines lines = new TrialLines((trial, done) -> seen.add(done + ":" + trial.mode() + ":" + trial.syscall()));
        byte[] console = (String.join("\r\n", COMPLETE) + "\r\n").getBytes(StandardCharsets.UTF_8);

        lines.write(console, 0, 150); // a write may end mid-line: the line counts once it is whole
        lines.write(console, 150, console.length - 150);

        assertThat(lines.count()).isEqualTo(9);
        assertThat(seen).startsWith("1:baseline:null", "2:stub:mknodat").endsWith("9:fake:sched_getaffinity");
    }
}
