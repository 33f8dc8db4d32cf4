package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unifarm.imager.model.LinuxSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSyscallTableTest {

    @Test
    void symbolsAndProvidedSyscallsOfThe9pfsKernelNameTheSameLinuxSyscalls() {
        KernelSyscallTable symbols = KernelSyscallTable.fromSymbols(Fixtures.file("kernel-9pfs-uk_syscall_r-symbols.txt"));
        KernelSyscallTable provided = KernelSyscallTable.fromProvidedSyscalls(Fixtures.file("provided_syscalls-9pfs.in"));
        System.out.printf("symbols: %d names, %d Linux; provided: %d names, %d Linux%n", symbols.names().size(),
                symbols.linuxNames().size(), provided.names().size(), provided.linuxNames().size());

        assertThat(symbols.linuxNames()).isEqualTo(provided.linuxNames());
        assertThat(symbols.linuxNames()).hasSizeGreaterThan(150).contains("openat", "mmap", "mknodat", "arch_prctl", "clone")
                .doesNotContain("set_robust_list", "rseq", "clone3", "faccessat2", "e_clone");
        assertThat(symbols.source()).isEqualTo("symbols");
        assertThat(provided.source()).isEqualTo("provided-syscalls");
    }

    /** 0.16.3's stock kernel registers arch_prctl and clone only as user-context entries (uk_syscall_r_u_*): implemented all the same. */
    @Test
    void userContextSymbolsOfTheStockKernelAreImplementedCalls() {
        KernelSyscallTable symbols = KernelSyscallTable.fromSymbols(Fixtures.farm0163("kernel-stock-uk_syscall_r-symbols.txt"));
        KernelSyscallTable provided = KernelSyscallTable.fromProvidedSyscalls(Fixtures.farm0163("provided_syscalls-stock.in"));

        assertThat(symbols.implementsCall("arch_prctl")).isTrue();
        assertThat(symbols.linuxNames()).contains("arch_prctl", "clone").isEqualTo(provided.linuxNames());
        assertThat(symbols.names()).noneMatch(name -> name.startsWith("u_"));
    }

    @Test
    void theTablePredictsTheEnosysCallsOfTheRecordedRun() throws IOException {
        KernelSyscallTable table = KernelSyscallTable.fromProvidedSyscalls(Fixtures.file("provided_syscalls-9pfs.in"));
        SyscallProfile observed = ShimTraceParser.parse(Files.readString(Fixtures.file("dotnet-9p-ok.log"))).profile();

        // What the kernel lacks is what the run saw fail with ENOSYS.
        assertThat(observed.namesWith(SyscallOutcome.enosys)).allSatisfy(name -> assertThat(table.implementsCall(name)).isFalse());
        assertThat(observed.namesWith(SyscallOutcome.ok)).allSatisfy(name -> assertThat(table.implementsCall(name)).isTrue());
    }

    @Test
    void providedSyscallsLinesMustBeNameDashArgs() {
        KernelSyscallTable table = KernelSyscallTable.fromProvidedSyscalls(List.of("# comment", "", "brk-1", "arch_prctl-3e", "clone-5u"));
        assertThat(table.names()).containsExactly("arch_prctl", "brk", "clone");

        assertThatThrownBy(() -> KernelSyscallTable.fromProvidedSyscalls(List.of("brk-1", "openat")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2").hasMessageContaining("name-<nargs>[e|u]");
    }

    @Test
    void symbolListingsMayBeNmOutput() {
        KernelSyscallTable table = KernelSyscallTable.fromSymbolListing(List.of("0000000000123450 T uk_syscall_r_openat",
                "0000000000123460 T uk_syscall_e_openat", "uk_syscall_r_e_clone", "uk_syscall_r_clone", "0000000000100000 T main", "uk_syscall_r_u_arch_prctl"));
        assertThat(table.names()).containsExactly("arch_prctl", "clone", "openat");
    }

    @Test
    void readsTheSymbolTableOfARealElf(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("kernel.s");
        Files.writeString(source, """
                .text
                .globl uk_syscall_r_openat
                uk_syscall_r_openat: ret
                .globl uk_syscall_r_e_arch_prctl
                uk_syscall_r_e_arch_prctl: ret
                .globl uk_syscall_r_fstatat
                uk_syscall_r_fstatat: ret
                .globl uk_syscall_e_read
                uk_syscall_e_read: ret
                """);
        Path object = dir.resolve("kernel.o");
        Process as = new ProcessBuilder("as", "-o", object.toString(), source.toString()).inheritIO().start();
        assertThat(as.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(as.exitValue()).isZero();

        KernelSyscallTable table = KernelSyscallTable.fromSymbols(object);
        assertThat(table.names()).containsExactly("arch_prctl", "fstatat", "openat");
        assertThat(table.linuxNames()).containsExactly("arch_prctl", "openat");

        assertThatThrownBy(() -> KernelSyscallTable.fromElf(source)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a readable ELF");
    }

    @Test
    void aLinuxKernelImplementsThemAll() {
        assertThat(KernelSyscallTable.linux().linuxNames()).isEqualTo(LinuxSyscalls.all()).contains("clone3", "rseq", "openat");
        assertThat(KernelSyscallTable.linux().source()).isEqualTo("linux");
    }
}
