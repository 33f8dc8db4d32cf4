package dev.unifarm.scheduler.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The signatures no recording holds: CoreCLR's messages for a wrong root filesystem (no
 * {@code /proc/self/exe}, no {@code /dev/zero}, .NET 7's stack failure) and the loader's other errors.
 */
class FailureDiagnoserTest {

    @Test
    void testDiagnosis_missingSelfExe() {
        assertThat(FailureDiagnoser.of(List.of("Failed to resolve full path of the current executable [/proc/self/exe]")).orElseThrow()
                .reason()).isEqualTo("SelfExeMissing");
    }

    @Test
    void testDiagnosis_missingDevZero() {
        // as CoreCLR 2.0 prints it under the linux profile (DiagnosisBootTest)
        var diagnosis = FailureDiagnoser.of(List.of(
                "Unhandled Exception: System.IO.FileLoadException: Could not load file or assembly '/app/hello.dll'. An internal error occurred.",
                " (Exception from HRESULT: 0x8007054F)")).orElseThrow();
        assertThat(diagnosis.reason()).isEqualTo("DevZeroMissing");
        assertThat(diagnosis.message()).contains("/dev/zero");
        assertThat(diagnosis.evidence()).isEqualTo("Unhandled Exception: System.IO.FileLoadException: Could not load file or assembly"
                + " '/app/hello.dll'. An internal error occurred. (Exception from HRESULT: 0x8007054F)");
    }

    @Test
    void testDiagnosis_net7StackFailure() {
        assertThat(FailureDiagnoser.of(List.of("Failed to create CoreCLR, HRESULT: 0x8007000E")).orElseThrow().reason())
                .isEqualTo("StackMappingWrong");
    }

    /** The initrd profile on a kernel that mounts no ramfs at / first (issue 14; vfscore's uk_pr_err form, its line number not recorded). */
    @Test
    void testDiagnosis_initrdNotExtractableIntoRoot() {
        var diagnosis = FailureDiagnoser.of(List.of("Info: [libvfscore] <automount.c @  540> Extracting initrd @ 0x1c2000 (1048576 bytes) to /...",
                "ERR:  [libvfscore] <automount.c @  545> Failed to extract cpio archive to /: -6",
                "Info: [libkvmplat] <shutdown.c @   59> Unikraft halted")).orElseThrow();
        assertThat(diagnosis.reason()).isEqualTo("RootNotExtractable");
        assertThat(diagnosis.message()).contains("mounts no ramfs at /").contains("9pfs delivery")
                .contains("Failed to extract cpio archive to /: -6");
    }

    // The loader lines below are app-elfloader's own texts (elf_load.c, main.c) in uk_pr_err's "ERR:  [lib] <file @ line>" form.

    @Test
    void testDiagnosis_interpreterMissing() {
        var diagnosis = FailureDiagnoser.of(List.of(
                "ERR:  [appelfloader] <elf_load.c @  929> <interp>: Failed to execute /lib64/ld-linux-x86-64.so.2: No such file or directory",
                "ERR:  [appelfloader] <elf_load.c @ 1029> dotnet: Failed to load program interpreter /lib64/ld-linux-x86-64.so.2:"
                        + " No such file or directory")).orElseThrow();
        assertThat(diagnosis.reason()).isEqualTo("InterpreterMissing");
    }

    @Test
    void testDiagnosis_interpreterOpenFailureAloneIsEnough() {
        assertThat(FailureDiagnoser.of(List.of(
                "ERR:  [appelfloader] <elf_load.c @  929> <interp>: Failed to execute /lib/ld-musl-x86_64.so.1: No such file or directory"))
                .orElseThrow().reason()).isEqualTo("InterpreterMissing");
    }

    @Test
    void testDiagnosis_wrongMachine() {
        assertThat(FailureDiagnoser.of(List.of("ERR:  [appelfloader] <elf_load.c @  118> hello: ELF machine type mismatch!",
                "ERR:  [appelfloader] <elf_load.c @  968> hello: Parsing of ELF image failed: Exec format error (-8)"))
                .orElseThrow().reason()).isEqualTo("WrongMachine");
        assertThat(FailureDiagnoser.of(List.of("ERR:  [appelfloader] <elf_load.c @  134> hello: ELF OS ABI unsupported: Require"
                + " ELFOSABI_LINUX")).orElseThrow().reason()).isEqualTo("WrongMachine");
    }

    @Test
    void testDiagnosis_wrongMachineNotFromTheDebugLine() {
        // printed on every boot with debug on: not an error
        assertThat(FailureDiagnoser.of(List.of("dbg:  [appelfloader] <elf_load.c @  115> dotnet: ELF machine type: 62"))).isEmpty();
    }

    @Test
    void testDiagnosis_noProgram() {
        assertThat(FailureDiagnoser.of(List.of("ERR:  [appelfloader] <main.c @  228> Program name missing (no argv[1])"))
                .orElseThrow().reason()).isEqualTo("NoProgram");
    }

    @Test
    void testDiagnosis_otherLoaderRefusals() {
        for (String line : List.of("ERR:  [appelfloader] <elf_load.c @  936> dotnet: Failed to execute /opt/dotnet/dotnet: No such file"
                        + " or directory",
                "ERR:  [appelfloader] <elf_load.c @   98> hello.txt: Image format not recognized or not supported",
                "ERR:  [appelfloader] <elf_load.c @  990> dotnet: Failed to copy the executable: -12")) {
            assertThat(FailureDiagnoser.of(List.of(line)).orElseThrow().reason()).as(line).isEqualTo("LoaderFailed");
        }
    }

    @Test
    void testDiagnosis_linuxOomWithNothingToKillButInit() {
        assertThat(FailureDiagnoser.of(List.of("[   12.3] Kernel panic - not syncing: System is deadlocked on memory"))
                .orElseThrow().reason()).isEqualTo("OutOfMemory");
    }

    @Test
    void testDiagnosis_vitalEnosysBeforeAbort() {
        var diagnosis = FailureDiagnoser.of(List.of("rseq(0x1, 0x20, ...) = Function not implemented (-38)",
                "app output epoll_pwait2(0x3, 0x0, ...) = Function not implemented (-38)", "Aborted")).orElseThrow();
        assertThat(diagnosis.reason()).isEqualTo("SyscallNotImplemented");
        assertThat(diagnosis.cause()).contains("epoll_pwait2").doesNotContain("rseq");
    }

    @Test
    void testDiagnosis_injectedEnosysPrintedAfterTheFailureStillNamesTheSyscall() {
        // a traced linux run: the app's HRESULT line first, strace's trace (with the injected ENOSYS) once the app has ended
        var diagnosis = FailureDiagnoser.of(List.of("Failed to initialize CoreCLR, HRESULT: 0x80004005", "unifarm-strace-begin",
                "16124 write(2, \"Failed to initialize CoreCLR, HR\"..., 49) = 49",
                "16124 mknodat(AT_FDCWD, \"/tmp/clr-debug-pipe-16124-2376120-in\", S_IFIFO|0700) = -1 ENOSYS (Function not implemented) (INJECTED)",
                "unifarm-strace-end")).orElseThrow();

        assertThat(diagnosis.reason()).isEqualTo("SyscallNotImplemented");
        assertThat(diagnosis.cause()).contains("mknodat");
        assertThat(diagnosis.evidence()).isEqualTo("Failed to initialize CoreCLR, HRESULT: 0x80004005");
        // without the ENOSYS the same failure is the stack mapping; a harmless injected ENOSYS changes nothing
        assertThat(FailureDiagnoser.of(List.of("Failed to initialize CoreCLR, HRESULT: 0x80004005",
                "16124 rseq(0x7f, 0x20, 0, 0x53053053) = -1 ENOSYS (Function not implemented) (INJECTED)")).orElseThrow().reason())
                .isEqualTo("StackMappingWrong");
        // a vital ENOSYS alone, with nothing giving up, is no failure signature
        assertThat(FailureDiagnoser.of(List.of("16124 mknodat(AT_FDCWD, \"/tmp/clr-debug-pipe-16124-2376120-in\", S_IFIFO|0700) = -1 ENOSYS (Function not implemented) (INJECTED)", "Hello from Unifarm!"))).isEmpty();
        // a more specific signature still wins
        assertThat(FailureDiagnoser.of(List.of("Unhandled Exception: System.OutOfMemoryException: HRESULT 0x8007000E", "16124 mknodat(AT_FDCWD, \"/tmp/clr-debug-pipe-16124-2376120-in\", S_IFIFO|0700) = -1 ENOSYS (Function not implemented) (INJECTED)")).orElseThrow()
                .reason()).isEqualTo("OutOfMemory");
    }

    @Test
    void testDiagnosis_linuxOomKiller() {
        assertThat(FailureDiagnoser.of(List.of("[    9.1] Out of memory: Killed process 1 (dotnet) total-vm:2000kB"))
                .orElseThrow().reason()).isEqualTo("OutOfMemory");
    }

    @Test
    void testDiagnosis_unhandledExceptionKeepsTheException() {
        var diagnosis = FailureDiagnoser.of(List.of("crash: about to throw",
                "Unhandled Exception: System.InvalidOperationException: boom", "   at Crash.Main()")).orElseThrow();
        assertThat(diagnosis.reason()).isEqualTo("UnhandledException");
        assertThat(diagnosis.evidence()).isEqualTo("Unhandled Exception: System.InvalidOperationException: boom");
    }

    @Test
    void testDiagnosis_exceptionSplitOverTwoConsoleLinesIsJoined() {
        var diagnosis = FailureDiagnoser.of(List.of("Unhandled Exception:write(fd:10, \"Unhandled Exception:\", 20) = 20",
                " System.InvalidOperationException: boom")).orElseThrow();
        assertThat(diagnosis.evidence()).isEqualTo("Unhandled Exception: System.InvalidOperationException: boom");
    }

    @Test
    void testDiagnosis_evidenceWithoutTheGluedWriteTrace() {
        assertThat(FailureDiagnoser.of(List.of("Failed to initialize CoreCLR, HRESULT: 0x800700CEwrite(fd:2, \"Failed\"..., 49) = 49"))
                .orElseThrow().evidence()).isEqualTo("Failed to initialize CoreCLR, HRESULT: 0x800700CE");
    }

    @Test
    void testDiagnosis_unknownFailureHasNone() {
        assertThat(FailureDiagnoser.of(List.of("starting", "something odd happened"))).isEmpty();
    }

    @Test
    void testMissingSyscalls_allThreeForms() {
        assertThat(MissingSyscalls.in("mknodat(0xffffff9c, 0x4002cc490, ...) = Function not implemented (-38)")).contains("mknodat");
        assertThat(MissingSyscalls.in("Warn: [libsyscall_shim] syscall \"io_uring_setup\" is not available")).contains("io_uring_setup");
        assertThat(MissingSyscalls.in("System call \"pidfd_open\" is not available (-ENOSYS)")).contains("pidfd_open");
        assertThat(MissingSyscalls.vitalIn("88    <... mknodat resumed>)            = -1 ENOSYS (Function not implemented)"
                + " (INJECTED)")).contains("mknodat");
        assertThat(MissingSyscalls.vitalIn("clone3(0x1, ...) = Function not implemented (-38)")).isEmpty();
        assertThat(MissingSyscalls.in("write(fd:1, \"hi\", 2) = 2")).isEmpty();
        assertThat(MissingSyscalls.vitalIn("88    <... mknodat resumed>)            = -1 ENOSYS (Function not implemented)"
                + " (INJECTED)")).contains("mknodat");
        assertThat(MissingSyscalls.vitalIn("16124 mknodat(AT_FDCWD, \"/tmp/clr-debug-pipe-16124-2376120-in\", S_IFIFO|0700) = -1 ENOSYS (Function not implemented) (INJECTED)")).contains("mknodat");
    }
}
