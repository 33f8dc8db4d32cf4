package dev.unifarm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.imager.CommandLineKind;
import dev.unifarm.imager.KernelProfile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code unifarm.kernels.<name>.*} entries turned into profiles, and the mistakes that stop start-up. */
class KernelProfilesConfigTest {

    /** One {@code unifarm.kernels.<name>} group, as the config mapping would hand it over. */
    record Entry(Optional<Path> kernel, Optional<String> kernelOci, String arch, String commandLine, Optional<String> delivery,
            Optional<Integer> maxEnv, Optional<String> exit, Optional<Boolean> nonPieViaInterpreter,
            Optional<String> stackStart, Optional<String> stackEnd, Optional<Path> stackCalibrationLog)
            implements UnifarmConfig.Kernel {

        static Entry of(String kernel, String commandLine) {
            return new Entry(Optional.of(Path.of(kernel)), Optional.empty(), "x86_64", commandLine, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        Entry delivery(String value) {
            return new Entry(kernel, kernelOci, arch, commandLine, Optional.of(value), maxEnv, exit, nonPieViaInterpreter,
                    stackStart, stackEnd, stackCalibrationLog);
        }

        Entry stack(String start, String end) {
            return new Entry(kernel, kernelOci, arch, commandLine, delivery, maxEnv, exit, nonPieViaInterpreter,
                    Optional.ofNullable(start), Optional.ofNullable(end), stackCalibrationLog);
        }

        Entry oci(String reference) {
            return new Entry(kernel, Optional.of(reference), arch, commandLine, delivery, maxEnv, exit, nonPieViaInterpreter,
                    stackStart, stackEnd, stackCalibrationLog);
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
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        KernelProfile uk = KernelProfiles.from(Map.of("linux", LINUX, "uk", oci)).get("uk").orElseThrow();

        assertThat(uk.kernel()).isEqualTo(new KernelProfile.KernelLocation.Oci("unikraft.org/base:latest"));
    }

    @Test
    void testFrom_withoutLinuxStopsStartup() {
        assertThatIllegalStateException().isThrownBy(() -> KernelProfiles.from(Map.of("uk", Entry.of("/k", "unikraft"))))
                .withMessageContaining("unifarm.kernels.linux.kernel");
    }
}
