package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SyscallProfileTest {

    @Test
    void testCoverage_distinctAndCallWeighted() {
        SyscallProfile profile = SyscallProfile.of(List.of(
                new SyscallCall("openat", SyscallOutcome.ok, "fd:3"),
                new SyscallCall("openat", SyscallOutcome.ok, "fd:4"),
                new SyscallCall("read", SyscallOutcome.ok, "0x10"),
                new SyscallCall("rseq", SyscallOutcome.enosys, "Function not implemented (-38)"),
                new SyscallCall("mlock", SyscallOutcome.stubbed, null)));

        assertThat(profile.names()).containsExactly("mlock", "openat", "read", "rseq");
        assertThat(profile.calls("openat")).isEqualTo(2);
        assertThat(profile.totalCalls()).isEqualTo(5);
        assertThat(profile.distinctCoverage()).isCloseTo(0.5, within(1e-9));
        assertThat(profile.callCoverage()).isCloseTo(0.6, within(1e-9));
        assertThat(profile.namesWith(SyscallOutcome.enosys)).containsExactly("rseq");
        assertThat(profile.namesWith(SyscallOutcome.stubbed)).containsExactly("mlock");
    }

    @Test
    void testNamesWith_worstOutcomeWins() {
        SyscallProfile profile = new SyscallProfile();
        profile.add("clone3", SyscallOutcome.ok, 3);
        profile.add("clone3", SyscallOutcome.enosys, 1);
        profile.add("close", SyscallOutcome.error, 1);
        profile.add("close", SyscallOutcome.ok, 9);

        assertThat(profile.namesWith(SyscallOutcome.enosys)).containsExactly("clone3");
        assertThat(profile.namesWith(SyscallOutcome.error)).containsExactly("close");
        assertThat(profile.namesWith(SyscallOutcome.ok)).isEmpty();
        assertThat(profile.callCoverage()).isCloseTo(12.0 / 14, within(1e-9));
    }
}
