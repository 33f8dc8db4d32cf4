package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one {@code name(args) = result} reader both tracers' parsers and the diagnosis share. */
class StraceLineTest {

    @Test
    void testParse_bothTracersResultForms() {
        assertThat(StraceLine.parse("openat(AT_FDCWD, \"/libc.so.6\", O_RDONLY|O_CLOEXEC) = fd:3").orElseThrow().outcome())
                .isEqualTo(SyscallOutcome.ok);
        assertThat(StraceLine.parse("clone3(0x1, ...) = Function not implemented (-38)").orElseThrow().outcome())
                .isEqualTo(SyscallOutcome.enosys);
        assertThat(StraceLine.parse("rseq(0x7f, 32, 0, 0x53053053) = -1 ENOSYS (Function not implemented)").orElseThrow().outcome())
                .isEqualTo(SyscallOutcome.enosys);
        assertThat(StraceLine.parse("access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)").orElseThrow()
                .outcome()).isEqualTo(SyscallOutcome.error);
        StraceLine exit = StraceLine.parse("exit_group(0) = ?").orElseThrow();
        assertThat(exit.unreturned()).isTrue();
        assertThat(exit.outcome()).isEqualTo(SyscallOutcome.ok);
        assertThat(StraceLine.parse("write(1, \"a) = b\", 6) = 6").orElseThrow().args()).isEqualTo("1, \"a) = b\", 6");
        assertThat(StraceLine.parse("futex(0x1, FUTEX_WAIT <unfinished ...>")).isEmpty();
    }

    @Test
    void testFind_callAfterGluedAppOutputTakesTheLinuxName() {
        StraceLine glued = StraceLine.find("HRESULT: 0x80004005mknodat(0xffffff9c, 0x4002cc490, ...) = Function not implemented (-38)")
                .orElseThrow();
        assertThat(glued.name()).isEqualTo("mknodat");
        assertThat(glued.outcome()).isEqualTo(SyscallOutcome.enosys);
        assertThat(StraceLine.find("app output epoll_pwait2(0x3, 0x0, ...) = Function not implemented (-38)").orElseThrow().name())
                .isEqualTo("epoll_pwait2");
        assertThat(StraceLine.find("rseq(0x1, 0x20, ...) = Function not implemented (-38)").orElseThrow().name()).isEqualTo("rseq");
    }

    @Test
    void testFind_injectedEnosysIsEnosysAndSaysItWasInjected() {
        // as Debian strace 6.1 prints it with -f -o and -e inject=mknodat:error=ENOSYS (DiagnosisBootTest)
        StraceLine injected = StraceLine.find("16124 mknodat(AT_FDCWD, \"/tmp/clr-debug-pipe-16124-2376120-in\", S_IFIFO|0700) = -1 ENOSYS (Function not implemented) (INJECTED)").orElseThrow();

        assertThat(injected.name()).isEqualTo("mknodat");
        assertThat(injected.outcome()).isEqualTo(SyscallOutcome.enosys);
        assertThat(injected.injected()).isTrue();
        assertThat(StraceLine.parse("rseq(0x7f, 32, 0, 0x53053053) = -1 ENOSYS (Function not implemented)").orElseThrow().injected())
                .isFalse();
        // as the guest printed it when another thread's line came between the call and its result
        StraceLine resumed = StraceLine.find("88    <... mknodat resumed>)            = -1 ENOSYS (Function not implemented) (INJECTED)")
                .orElseThrow();
        assertThat(resumed.name()).isEqualTo("mknodat");
        assertThat(resumed.outcome()).isEqualTo(SyscallOutcome.enosys);
        assertThat(resumed.injected()).isTrue();
        assertThat(StraceLine.find("88    getpid()                          = -1 ENOSYS (Function not implemented) (INJECTED)")
                .orElseThrow().name()).as("padded to column 40").isEqualTo("getpid");
        assertThat(StraceLine.parse("getpid() = 7 (INJECTED)").orElseThrow().outcome()).as("a success injection")
                .isEqualTo(SyscallOutcome.ok);
    }

    @Test
    void testFind_nonLinuxNameIsTheIdentifierAndNoCallIsEmpty() {
        assertThat(StraceLine.find("x fstatat(0x1, ...) = Function not implemented (-38)").orElseThrow().name()).isEqualTo("fstatat");
        assertThat(StraceLine.find("hello (world) = nothing here")).isEmpty();
        assertThat(StraceLine.find("plain app output")).isEmpty();
        assertThat(StraceLine.find(null)).isEmpty();
    }
}
