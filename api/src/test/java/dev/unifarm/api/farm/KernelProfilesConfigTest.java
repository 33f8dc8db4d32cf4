package dev.unifarm.api.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.unifarm.api.config.KernelConfig;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code unifarm.kernels.<name>.*} entries turned into profiles, and the mistakes that stop start-up. */
class KernelProfilesConfigTest {

    /** One {@code unifarm.kernels.<name>} group, as the config mapping would hand it over. */
    record Entry(Optional<Path> kernel, Optional<String> kernelOci, String arch, String commandLine, Optional<String> delivery,
            Optional<Integer> maxEnv, Optional<String> exit, Optional<Boolean> nonPieViaInterpreter,
            Optional<String> stackStart, Optional<String> stackEnd, Optional<Path> stackCalibrationLog,
            Optional<Path> syscallsSymbols, Optional<Path> providedSyscalls)
            implements KernelConfig {

        static Entry of(String kernel, String commandLine) {
            return new Entry(Optional.of(Path.of(kernel)), Optional.empty(), "x86_64", commandLine, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }

        Entry delivery(String value) {
            return new Entry(kernel, kernelOci, arch, commandLine, Optional.of(value), maxEnv, exit, nonPieViaInterpreter,
                    stackStart, stackEnd, stackCalibrationLog, syscallsSymbols, providedSyscalls);
        }

        Entry stack(String start, String end) {
            return new Entry(kernel, kernelOci, arch, commandLine, delivery, maxEnv, exit, nonPieViaInterpreter,
                    Optional.ofNullable(start), Optional.ofNullable(end), stackCalibrationLog, syscallsSymbols, providedSyscalls);
        }

        Entry syscalls(Path symbols, Path provided) {
            return new Entry(kernel, kernelOci, arch, commandLine, delivery, maxEnv, exit, nonPieViaInterpreter,
                    stackStart, stackEnd, stackCalibrationLog, Optional.ofNullable(symbols), Optional.ofNullable(provided));
        }

        Entry oci(String reference) {
            return new Entry(kernel, Optional.of(reference), arch, commandLine, delivery, maxEnv, exit, nonPieViaInterpreter,
                    stackStart, stackEnd, stackCalibrationLog, syscallsSymbols, providedSyscalls);
        }
    }

    private static final Entry LINUX = Entry.of("/boot/vmlinuz", "linux");

    @Test
    void testFrom_linuxAsBefore() {
        KernelProfiles profiles = KernelProfiles.from(Map.of("linux", LINUX));

        assertThat(profiles.defaultProfile()).isEqualTo(KernelProfile.linux(Path.of("/boot/vmlinuz")));
        assertThat(profiles.names()).containsExactly("linux");
    }

    @Test
    void testFrom_unikraft9pfsWithConfiguredStack() {
        KernelProfiles profiles = KernelProfiles.from(Map.of("linux", LINUX,
                "uk", Entry.of("/k/elfloader", "unikraft").delivery("9pfs").stack("0x402a80000", "0x402aa1000")));

        KernelProfile uk = profiles.get("uk").orElseThrow();
        assertThat(uk.commandLine()).isEqualTo(CommandLineKind.UNIKRAFT);
        assertThat(uk.delivery()).isEqualTo(KernelProfile.Delivery.NINE_P);
        assertThat(uk.stack().start()).isEqualTo(0x402a80000L);
        assertThat(uk.stack().end()).isEqualTo(0x402aa1000L);
        assertThat(uk.stackSource()).isEqualTo(KernelProfile.StackSource.CONFIGURED);
        assertThat(profiles.ninePNames()).containsExactly("uk");
        assertThat(profiles.names()).containsExactly("linux", "uk");
    }

    @Test
    void testFrom_unknownDeliveryStopsStartup() {
        assertThatIllegalStateException()
                .isThrownBy(() -> KernelProfiles.from(Map.of("linux", LINUX, "uk", Entry.of("/k", "unikraft").delivery("nfs"))))
                .withMessageContaining("unifarm.kernels.uk").withMessageContaining("nfs").withMessageContaining("9pfs");
    }

    @Test
    void testFrom_halfAStackRangeStopsStartup() {
        assertThatIllegalStateException()
                .isThrownBy(() -> KernelProfiles.from(Map.of("linux", LINUX, "uk", Entry.of("/k", "unikraft").stack("0x400040000", null))))
                .withMessageContaining("stack-end");
    }

    @Test
    void testFrom_kernelAndOciBothStopsStartup() {
        assertThatIllegalStateException()
                .isThrownBy(() -> KernelProfiles.from(Map.of("linux", LINUX, "uk", Entry.of("/k", "unikraft").oci("unikraft.org/base:latest"))))
                .withMessageContaining("exactly one");
    }

    @Test
    void testFrom_ociReferenceStored() {
        Entry oci = new Entry(Optional.empty(), Optional.of("unikraft.org/base:latest"), "x86_64", "unikraft", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        KernelProfile uk = KernelProfiles.from(Map.of("linux", LINUX, "uk", oci)).get("uk").orElseThrow();

        assertThat(uk.kernel()).isEqualTo(new KernelProfile.KernelLocation.Oci("unikraft.org/base:latest"));
    }

    @Test
    void testFrom_withoutLinuxStopsStartup() {
        assertThatIllegalStateException().isThrownBy(() -> KernelProfiles.from(Map.of("uk", Entry.of("/k", "unikraft"))))
                .withMessageContaining("unifarm.kernels.linux.kernel");
    }

    /** The recorded 9pfs kernel's tables in the repository's {@code testdata/} (surefire sets {@code test.fixtures.dir}). */
    private static Path fixture(String name) {
        String dir = System.getProperty("test.fixtures.dir");
        assertThat(dir).as("test.fixtures.dir (run with Maven: surefire sets it to the repository's testdata/)").isNotBlank();
        Path file = Path.of(dir, "unikraft", name);
        assertThat(file).as("fixture " + name).isRegularFile();
        return file;
    }

    @Test
    void testFrom_syscallTablesFromSymbolsOrProvidedSyscalls() {
        KernelProfiles profiles = KernelProfiles.from(Map.of("linux", LINUX,
                "uk-symbols", Entry.of("/k", "unikraft").syscalls(fixture("kernel-9pfs-uk_syscall_r-symbols.txt"), null),
                "uk-provided", Entry.of("/k", "unikraft").syscalls(null, fixture("provided_syscalls-9pfs.in")),
                "uk-unknown", Entry.of("/k", "unikraft")));

        assertThat(profiles.syscalls("linux").orElseThrow().source()).isEqualTo("linux");
        assertThat(profiles.syscalls("linux").orElseThrow().linuxNames()).contains("clone3", "rseq");
        assertThat(profiles.syscalls("uk-symbols").orElseThrow().source()).isEqualTo("symbols");
        assertThat(profiles.syscalls("uk-symbols").orElseThrow().linuxNames())
                .isEqualTo(profiles.syscalls("uk-provided").orElseThrow().linuxNames()).contains("openat").doesNotContain("clone3");
        assertThat(profiles.syscalls("uk-unknown")).isEmpty();
    }

    @Test
    void testFrom_badSyscallTableStopsStartup() {
        assertThatIllegalStateException()
                .isThrownBy(() -> KernelProfiles.from(Map.of("linux", LINUX, "uk", Entry.of("/k", "unikraft").syscalls(Path.of("/nonexistent.dbg"), null))))
                .withMessageContaining("unifarm.kernels.uk").withMessageContaining("syscalls-symbols").withMessageContaining("/nonexistent.dbg");
        assertThatIllegalStateException()
                .isThrownBy(() -> KernelProfiles.from(Map.of("linux", LINUX, "uk", Entry.of("/k", "unikraft")
                        .syscalls(fixture("kernel-9pfs-uk_syscall_r-symbols.txt"), fixture("provided_syscalls-9pfs.in")))))
                .withMessageContaining("not both");
        assertThatIllegalStateException()
                .isThrownBy(() -> KernelProfiles.from(Map.of("linux", LINUX, "uk", Entry.of("/k", "unikraft")
                        .syscalls(null, fixture("kernel-9pfs-uk_syscall_r-symbols.txt")))))
                .withMessageContaining("name-<nargs>[e|u]");
    }
}
