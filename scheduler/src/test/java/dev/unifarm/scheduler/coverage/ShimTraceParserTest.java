package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.LinuxSyscalls;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShimTraceParserTest {

    @Test
    void typedReturnsAreOkCalls() {
        ShimTrace trace = ShimTraceParser.parse("""
                openat(AT_FDCWD, "/lib/libc.so.6", O_RDONLY|O_CLOEXEC) = fd:3\r
                mprotect(va:0x400000, 4096, PROT_READ) = OK\r
                arch_prctl(0x1002, 0x4000) = 0x0\r
                mmap(0x0, 8192, PROT_READ, MAP_PRIVATE, fd:3, 0x0) = va:0x1000cca000\r
                gettid() = pid:1\r
                read(fd:3, <out>"\\177ELF"..., 832) = 832\r
                """);

        assertThat(trace.calls()).extracting(SyscallCall::name).containsExactly("openat", "mprotect", "arch_prctl", "mmap", "gettid", "read");
        assertThat(trace.calls()).extracting(SyscallCall::outcome).containsOnly(SyscallOutcome.ok);
        assertThat(trace.calls()).extracting(SyscallCall::result).containsExactly("fd:3", "OK", "0x0", "va:0x1000cca000", "pid:1", "832");
        assertThat(trace.appOutput()).isEmpty();
    }

    @Test
    void ansiColouredLinesParseLikePlainOnes() {
        // The printer colours names, values and errors when the console asks for it.
        ShimTrace trace = ShimTraceParser.parse("\u001B[34mopenat\u001B[0m(AT_FDCWD, \u001B[32m\"/x\"\u001B[0m, O_RDONLY) = "
                + "\u001B[31mNo such file or directory (-2)\u001B[0m\r\n");

        assertThat(trace.calls()).containsExactly(new SyscallCall("openat", SyscallOutcome.error, "No such file or directory (-2)"));
    }

    @Test
    void errnoMinus38IsEnosysAndOtherErrnosAreErrors() {
        ShimTrace trace = ShimTraceParser.parse("""
                set_robust_list(0x40005e0a0, 24) = Function not implemented (-38)
                stat("/app/libcoreclr.so", <out>stat:0x40005e548) = No such file or directory (-2)
                readlink("/opt", <out>buf:0x40005e090, 1023) = Invalid argument (-22)
                """);

        assertThat(trace.calls()).containsExactly(
                new SyscallCall("set_robust_list", SyscallOutcome.enosys, "Function not implemented (-38)"),
                new SyscallCall("stat", SyscallOutcome.error, "No such file or directory (-2)"),
                new SyscallCall("readlink", SyscallOutcome.error, "Invalid argument (-22)"));
    }

    @Test
    void argumentListsCutWithDotsStillParse() {
        ShimTrace trace = ShimTraceParser.parse("faccessat2(0xffffff9c, 0x40005d7d0, ...) = Function not implemented (-38)\r\n"
                + "write(fd:2, \"Failed to initialize Cor\"..., 49) = 49\r\n");

        assertThat(trace.calls()).extracting(SyscallCall::name, SyscallCall::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("faccessat2", SyscallOutcome.enosys),
                org.assertj.core.groups.Tuple.tuple("write", SyscallOutcome.ok));
    }

    @Test
    void appOutputGluedBeforeATraceLineIsSplitOff() {
        ShimTrace trace = ShimTraceParser.parse("""
                Failed to initialize CoreCLR, HRESULT: 0x80004005write(fd:2, "Failed to initialize Cor"..., 49) = 49\r
                Unhandled Exception:write(fd:10, "Unhandled Exception:", 20) = 20\r
                Hello from .NET on Unix 5.15.148.0 pid 1\r
                write(fd:1, "Hello from .NET on Unix 5.15.148"..., 41) = 41\r
                """);

        assertThat(trace.appOutput()).containsExactly("Failed to initialize CoreCLR, HRESULT: 0x80004005", "Unhandled Exception:",
                "Hello from .NET on Unix 5.15.148.0 pid 1");
        assertThat(trace.calls()).extracting(SyscallCall::name).containsExactly("write", "write", "write");
        assertThat(trace.traceLines()).containsExactly("write(fd:2, \"Failed to initialize Cor\"..., 49) = 49",
                "write(fd:10, \"Unhandled Exception:\", 20) = 20", "write(fd:1, \"Hello from .NET on Unix 5.15.148\"..., 41) = 41");
    }

    @Test
    void aLineTheShimCutAtItsBufferEndIsACutCall() {
        // The printer ends an overflowing line with "..." in place of the rest, result included.
        ShimTrace trace = ShimTraceParser.parse("openat(AT_FDCWD, \"/opt/dotnet/shared/Microsoft.NETCore.App/2.0.0/System.Private.Co...\r\n"
                + "close(fd:3) = OK\r\n");

        assertThat(trace.cutCalls()).containsExactly("openat");
        assertThat(trace.traceLines()).as("the cut line is still trace text").hasSize(2);
        assertThat(trace.calls()).containsExactly(new SyscallCall("close", SyscallOutcome.ok, "OK"));
        assertThat(trace.appOutput()).isEmpty();
    }

    @Test
    void aTraceLineBrokenByOtherOutputIsACutCallNotAGuess() {
        ShimTrace trace = ShimTraceParser.parse("openat(AT_FDCWD, \"/etc/hosts\", O_RDO\nsome app text\nNLY) = fd:3\n");

        assertThat(trace.calls()).isEmpty();
        assertThat(trace.cutCalls()).containsExactly("openat");
        assertThat(trace.appOutput()).containsExactly("some app text", "NLY) = fd:3");
    }

    @Test
    void notAvailableFormsAreEnosysAndMergeWithTheirStraceLine() {
        ShimTrace trace = ShimTraceParser.parse("""
                Warn: [libsyscall_shim] <uk_syscall.c @   40> syscall "rseq" is not available
                rseq(0x40005e9e0, 32, 0x0, 0x53053053) = Function not implemented (-38)
                Warn: [libsyscall_shim] <uk_syscall.c @   56> System call "clone3" is not available (-ENOSYS)
                """);

        assertThat(trace.calls()).containsExactly(
                new SyscallCall("rseq", SyscallOutcome.enosys, "Function not implemented (-38)"),
                new SyscallCall("clone3", SyscallOutcome.enosys, "System call \"clone3\" is not available"));
        assertThat(trace.kernelLog()).hasSize(2);
    }

    @Test
    void stubbedFormsMarkTheNextCallOfThatNameStubbed() {
        ShimTrace trace = ShimTraceParser.parse("""
                Warn: [libuksched] <sched.c @  425> __uk_syscall_r_sched_getaffinity() stubbed
                Warn: [libposix_process] <signals.c @   58> uk_posix_clone_sighand() stubbed
                sched_getaffinity(0x0, 128, <out>0x40005e500) = 0x20
                STUB: msync
                mlock() stubbed
                """);

        assertThat(trace.calls()).containsExactly(
                new SyscallCall("sched_getaffinity", SyscallOutcome.stubbed, "0x20"),
                new SyscallCall("msync", SyscallOutcome.stubbed, "STUB: msync"),
                new SyscallCall("mlock", SyscallOutcome.stubbed, "mlock() stubbed"));
        assertThat(trace.internalStubs()).containsExactly("uk_posix_clone_sighand");
        assertThat(trace.profile().calls("sched_getaffinity")).isEqualTo(1);
    }

    @Test
    void kernelLogAppOutputAndNoiseAreKeptApart() {
        ShimTrace trace = ShimTraceParser.parse("\u001Bc\u001B[?7l\u001B[2J\u001B[0mSeaBIOS (version 1.16.2)\r\n"
                + "Info: [libkvmplat] <setup.c @  279> SYSCALL entrance @ 0x1057d6\r\n"
                + "Powered by Unikraft Calypso (0.17.0)\r\n"
                + "hello(world) = not a syscall\r\n"
                + "x = f(y) = 3\r\n"
                + "sum=71071 args=\r\n"
                + "brk(0x0) = va:0x400200000\r\n"
                + "qemu-system-x86_64: terminating on signal 15 from pid 6925 (timeout)\r\n");

        assertThat(trace.calls()).containsExactly(new SyscallCall("brk", SyscallOutcome.ok, "va:0x400200000"));
        assertThat(trace.appOutput()).containsExactly("hello(world) = not a syscall", "x = f(y) = 3", "sum=71071 args=");
        assertThat(trace.kernelLog()).hasSize(4);
    }

    @Test
    void chunksMayCutLinesAnywhere() {
        String text = "close(fd:3) = OK\r\nHello\r\ngetpid() = pid:1\r\nlast line without newline";
        ShimTraceParser parser = new ShimTraceParser();
        for (int i = 0; i < text.length(); i += 3) {
            parser.accept(text.substring(i, Math.min(text.length(), i + 3)));
        }
        ShimTrace trace = parser.finish();

        assertThat(trace).isEqualTo(ShimTraceParser.parse(text));
        assertThat(trace.calls()).extracting(SyscallCall::name).containsExactly("close", "getpid");
        assertThat(trace.appOutput()).containsExactly("Hello", "last line without newline");
    }

    @Test
    void garbageNeverThrows() {
        Random random = new Random(42);
        String alphabet = "abc_(),= \"-38OKfd:0x\r\n\u001B[...stubbed STUB: syscall \"is not available";
        for (int round = 0; round < 300; round++) {
            byte[] bytes = new byte[random.nextInt(2000)];
            random.nextBytes(bytes);
            StringBuilder text = new StringBuilder(new String(bytes, StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 200; i++) {
                text.insert(random.nextInt(text.length() + 1), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ShimTrace trace = ShimTraceParser.parse(text);
            assertThat(trace.calls()).allSatisfy(call -> assertThat(LinuxSyscalls.isSyscall(call.name())).isTrue());
        }
        assertThat(ShimTraceParser.parse("")).isEqualTo(new ShimTrace(java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of()));
    }
}
