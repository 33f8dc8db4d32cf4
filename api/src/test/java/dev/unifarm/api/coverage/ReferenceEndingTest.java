package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceEndingTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static InstanceStatus ended(InstanceState state, Integer code, String reason, String message) {
        return InstanceStatus.pending("r-1", "node", T).finished(state, code, reason, message, T);
    }

    @Test
    void testTraced_endedByItselfSaysSoEvenIfAPowerdownWasDue() {
        InstanceStatus end = ended(InstanceState.Succeeded, 0, "Completed", "the app exited with code 0");

        assertThat(new ReferenceEnding(end, null).traced()).isEqualTo("the app ended by itself (Succeeded, exit code 0)");
        assertThat(new ReferenceEnding(end, "still running PT5S after its first console line").traced())
                .startsWith("the app ended by itself");
    }

    @Test
    void testTraced_injectedSaysWhatStraceFailedAndTheDiagnosis() {
        InstanceStatus failed = ended(InstanceState.Failed, 137, "SyscallNotImplemented", "the kernel does not implement mknodat …");
        InstanceStatus succeeded = ended(InstanceState.Succeeded, 0, "Completed", "the app exited with code 0");

        assertThat(new ReferenceEnding(failed, null, List.of("mknodat")).traced()).isEqualTo("strace failed mknodat with ENOSYS;"
                + " the app ended by itself (Failed, exit code 137); SyscallNotImplemented: the kernel does not implement mknodat …");
        assertThat(new ReferenceEnding(succeeded, null, List.of("clone3", "rseq")).traced())
                .isEqualTo("strace failed clone3, rseq with ENOSYS; the app ended by itself (Succeeded, exit code 0)");
    }

    @Test
    void testTraced_poweredDownSaysWhyAndTheExitCode() {
        InstanceStatus end = ended(InstanceState.Stopped, 0, "PoweredDown", "stopped on request");

        assertThat(new ReferenceEnding(end, "answered GET / with \"HTTP/1.1 200 OK\"").traced())
                .isEqualTo("answered GET / with \"HTTP/1.1 200 OK\", then powered down: the app ended on SIGTERM (exit code 0)");
    }

    @Test
    void testUntraced_quitAfterThePowerdownNamesSigterm() {
        InstanceStatus end = ended(InstanceState.Stopped, null, "Quit", "ended by quit");

        String message = new ReferenceEnding(end, "still running PT5S after its first console line").untraced();

        assertThat(message).startsWith("no strace output on the console (Stopped, Quit: ended by quit)")
                .contains("still running PT5S after its first console line, then powered down")
                .contains("did not end on SIGTERM").contains("ends by itself or on SIGTERM");
    }

    @Test
    void testUntraced_otherEndsSayTheGuestEndedFirst() {
        InstanceStatus end = ended(InstanceState.Failed, null, "VmExited", "QEMU exited with code 1");

        assertThat(new ReferenceEnding(end, null).untraced()).isEqualTo("no strace output on the console (Failed, VmExited:"
                + " QEMU exited with code 1): the traced guest ended before /init printed the trace");
    }
}
