package dev.unifarm.scheduler.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.LinuxSyscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every recorded app-elfloader console parses; the .NET run that worked shows the runtime's enosys calls. */
class ShimTraceFixturesTest {

    private static ShimTrace parse(Path file) throws IOException {
        return ShimTraceParser.parse(Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyRecordingParsesIntoTraceAndOutput() throws IOException {
        assertThat(Fixtures.recordings()).hasSizeGreaterThanOrEqualTo(10);
        for (Path file : Fixtures.recordings()) {
            ShimTrace trace = parse(file);
            SyscallProfile profile = trace.profile();
            System.out.printf("%-40s calls=%5d distinct=%3d enosys=%s distinctCoverage=%.3f callCoverage=%.3f app=%d kernel=%d%n",
                    file.getFileName(), profile.totalCalls(), profile.names().size(), profile.namesWith(SyscallOutcome.enosys),
                    profile.distinctCoverage(), profile.callCoverage(), trace.appOutput().size(), trace.kernelLog().size());
            assertThat(trace.kernelLog()).as(file.toString()).isNotEmpty();
            assertThat(profile.distinctCoverage()).as(file.toString()).isBetween(0.0, 1.0);
            assertThat(profile.callCoverage()).as(file.toString()).isBetween(0.0, 1.0);
            // Every strace-looking line is accounted for: none is left in the app's output.
            assertThat(trace.appOutput()).as(file.toString())
                    .noneMatch(line -> StraceLine.parse(line).filter(l -> LinuxSyscalls.isSyscall(l.name())).isPresent());
        }
    }

    @Test
    void theDotnetRunThatWorkedShowsWhatTheKernelLacks() throws IOException {
        ShimTrace trace = parse(Fixtures.file("dotnet-9p-ok.log"));
        SyscallProfile profile = trace.profile();

        assertThat(profile.namesWith(SyscallOutcome.enosys)).contains("set_robust_list", "rseq", "clone3", "faccessat2");
        assertThat(profile.namesWith(SyscallOutcome.stubbed)).contains("sched_getaffinity");
        assertThat(profile.namesWith(SyscallOutcome.ok)).contains("mprotect", "munmap", "brk");
        assertThat(profile.calls("openat", SyscallOutcome.ok)).isPositive();
        assertThat(profile.calls("openat", SyscallOutcome.error)).isPositive();
        assertThat(profile.names()).hasSizeGreaterThan(40);
        assertThat(profile.distinctCoverage()).isBetween(0.5, 0.95);
        assertThat(profile.callCoverage()).isGreaterThan(0.0).isLessThan(1.0);
        assertThat(trace.appOutput()).contains("Hello from .NET on Unix 5.15.148.0 pid 1");
        assertThat(trace.internalStubs()).contains("uk_posix_clone_sighand");
    }

    @Test
    void theCHellosAreTracedToo() throws IOException {
        for (String name : new String[] {"static-pie-initrd-ok.log", "static-pie-9p-ok.log", "dynamic-initrd-ok.log"}) {
            ShimTrace trace = parse(Fixtures.file(name));
            assertThat(trace.profile().names()).as(name).contains("write");
            assertThat(trace.appOutput()).as(name).anyMatch(line -> line.startsWith("Hello from Linux ELF under Unikraft!"));
        }
    }

    @Test
    void failureRecordingsShowTheirFailingCall() throws IOException {
        assertThat(parse(Fixtures.file("dotnet-9p-mknodat-enosys.log")).profile().namesWith(SyscallOutcome.enosys)).contains("mknodat");
        SyscallProfile devzero = parse(Fixtures.file("dotnet-9p-devzero-shared-mmap.log")).profile();
        assertThat(devzero.calls("mmap", SyscallOutcome.error)).isPositive();
        assertThat(devzero.namesWith(SyscallOutcome.enosys)).contains("tgkill");
    }
}
