package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link AppSupport}: an app's sweep against a kernel's table. */
class AppSupportTest {

    private static final NeedsSweepResult HELLO = NeedsConsoleLines.result(
            "openat", "required", "mknodat", "required", "mlock", "fakeable", "msync", "fakeable",
            "rseq", "stubbable", "clone3", "stubbable", "sched_getaffinity", "untried");

    @Test
    void testOf_classesTheSyscallsTheKernelLacks() {
        KernelSyscallTable table = new KernelSyscallTable(Set.of("openat", "msync", "rseq"), "provided-syscalls");

        AppSupport support = AppSupport.of("hello", 3, HELLO, table);

        assertThat(support.blockers()).containsExactly("mknodat");
        assertThat(support.fakeable()).containsExactly("mlock");
        assertThat(support.stubbable()).containsExactly("clone3");
        assertThat(support.runsNow()).isFalse();
        assertThat(support.app()).isEqualTo("hello");
        assertThat(support.revision()).isEqualTo(3);
    }

    @Test
    void testOf_untriedSyscallsAreNoBlockers() {
        assertThat(HELLO.names(NeedClass.untried)).containsExactly("sched_getaffinity");
        KernelSyscallTable none = new KernelSyscallTable(Set.of(), "symbols");

        AppSupport support = AppSupport.of("hello", 1, HELLO, none);

        assertThat(support.blockers()).containsExactly("mknodat", "openat");
        assertThat(support.fakeable()).containsExactly("mlock", "msync");
        assertThat(support.stubbable()).containsExactly("clone3", "rseq");
        assertThat(support.blockers()).doesNotContain("sched_getaffinity");
        assertThat(support.fakeable()).doesNotContain("sched_getaffinity");
        assertThat(support.stubbable()).doesNotContain("sched_getaffinity");
    }

    @Test
    void testOf_linuxLacksNothingSoTheAppRunsNow() {
        AppSupport support = AppSupport.of("hello", 1, HELLO, KernelSyscallTable.linux());

        assertThat(support.blockers()).isEmpty();
        assertThat(support.fakeable()).isEmpty();
        assertThat(support.stubbable()).isEmpty();
        assertThat(support.runsNow()).isTrue();
    }

    @Test
    void testOf_aNeverFakedSyscallWhoseStubFailedBlocks() {
        // mmap is never faked (NeedsSweep.NOT_FAKED): its failed stub alone makes it required.
        NeedsSweepResult result = NeedsConsoleLines.result("mmap", "required");

        assertThat(result.names(NeedClass.required)).containsExactly("mmap");
        assertThat(AppSupport.of("hello", 1, result, new KernelSyscallTable(Set.of(), "symbols")).blockers()).containsExactly("mmap");
    }
}
