package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.rootfs.StraceWrapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every line form Debian strace 6.1 prints with {@code -f -C -o} (and on stderr), mixed with noise. */
class StraceParserTest {

    @Test
    void testParse_fileFormWithPidsUnfinishedResumedErrorsAndSummary() {
        StraceTrace trace = StraceParser.parse(List.of(
                "607   execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"ls\"], 0x7ffd /* 35 vars */) = 0",
                "607   access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)\r",
                "607   openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3",
                "607   vfork( <unfinished ...>",
                "608   rseq(0x7f, 0x20, 0, 0x53053053) = -1 ENOSYS (Function not implemented)",
                "607   <... vfork resumed>)              = 608",
                "608   futex(0x7f, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>",
                "607   --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---",
                "607   write(1, \") = 5\", 5)              = 5",
                "607   exit_group(0)                     = ?",
                "608   +++ exited with 0 +++",
                "607   +++ exited with 0 +++",
                "% time     seconds  usecs/call     calls    errors syscall",
                "------ ----------- ----------- --------- --------- ----------------",
                " 40.00    0.000004           4         1           execve",
                " 30.00    0.000003           3         1         1 access",
                "  0.00    0.000000           0         1           openat",
                "  0.00    0.000000           0         1           vfork",
                "  0.00    0.000000           0         1         1 rseq",
                "  0.00    0.000000           0         1           write",
                "------ ----------- ----------- --------- --------- ----------------",
                "100.00    0.000010           1         6         2 total"));

        assertThat(trace.unparsed()).isZero();
        assertThat(trace.profile().names()).containsExactly("access", "execve", "exit_group", "futex", "openat", "rseq", "vfork", "write");
        assertThat(trace.profile().namesWith(SyscallOutcome.error)).containsExactly("access");
        assertThat(trace.profile().namesWith(SyscallOutcome.enosys)).containsExactly("rseq");
        assertThat(trace.unreturnedNames()).as("exit_group = ?, futex cut off").containsExactly("exit_group", "futex");
        assertThat(trace.returnedNames()).isEqualTo(trace.summary().keySet());
        assertThat(trace.summary()).containsEntry("access", 1L).doesNotContainKey("total");
        assertThat(trace.profile().calls("write", SyscallOutcome.ok)).as("a ') = ' inside a string is not the return").isEqualTo(1);
    }

    @Test
    void testParse_injectedEnosysCountsAsEnosys() {
        StraceTrace trace = StraceParser.parse(List.of(
                "16124 unlink(\"/tmp/clr-debug-pipe-16124-2376120-in\") = -1 ENOENT (No such file or directory)",
                "16124 mknodat(AT_FDCWD, \"/tmp/clr-debug-pipe-16124-2376120-in\", S_IFIFO|0700) = -1 ENOSYS (Function not implemented) (INJECTED)",
                "16124 exit_group(-2147450743)           = ?",
                "% time     seconds  usecs/call     calls    errors syscall",
                "------ ----------- ----------- --------- --------- ----------------",
                "  0.00    0.000000           0         1         1 unlink",
                "  0.00    0.000000           0         1         1 mknodat",
                "------ ----------- ----------- --------- --------- ----------------",
                "100.00    0.000000           0         2         2 total"));

        assertThat(trace.unparsed()).isZero();
        assertThat(trace.profile().namesWith(SyscallOutcome.enosys)).containsExactly("mknodat");
        assertThat(trace.returnedNames()).isEqualTo(trace.summary().keySet());
    }

    @Test
    void testParse_stderrFormAndSingleProcessForm() {
        StraceTrace trace = StraceParser.parse(List.of(
                "[pid  4242] mmap(NULL, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fcad9ad6000",
                "[pid  4242] clone3({flags=CLONE_VM, ...} <unfinished ...>",
                "brk(NULL)                               = 0x56335e4d5000",
                "[pid  4242] <... clone3 resumed> => {parent_tid=[4243]}, 88) = 4243",
                "getpid() = 1"));

        assertThat(trace.unparsed()).isZero();
        assertThat(trace.profile().names()).containsExactly("brk", "clone3", "getpid", "mmap");
        assertThat(trace.unreturnedCalls()).isEmpty();
    }

    @Test
    void testParse_garbageIsCountedNeverThrown() {
        StraceTrace trace = StraceParser.parse(List.of("", "Hello from Unifarm!", "[    1.234] random: crng init done",
                "607   openat(AT_FDCWD, \"/x\"", "\u0000\u00ff((", "607   <... read resumed"));

        assertThat(trace.profile().names()).isEmpty();
        assertThat(trace.unparsed()).isEqualTo(5);
    }

    @Test
    void testFromConsole_readsOnlyBetweenTheMarkers() {
        StraceTrace trace = StraceParser.fromConsole(List.of(
                "[    0.5] Run /init as init process",
                "Hello from Unifarm!",
                "getpid() = 1",
                StraceWrapper.BEGIN + "\r",
                "7     getpid() = 7",
                StraceWrapper.END,
                "[    3.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000"));

        assertThat(trace.profile().names()).containsExactly("getpid");
        assertThat(trace.profile().calls("getpid")).isEqualTo(1);
        assertThat(trace.unparsed()).isZero();
        assertThat(StraceParser.fromConsole(List.of("no trace here")).profile().names()).isEmpty();
    }
}
