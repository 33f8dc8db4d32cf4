package dev.unifarm.imager.model;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.unifarm.imager.model.KernelProfile.Delivery;
import dev.unifarm.imager.model.KernelProfile.ExitDetection;
import dev.unifarm.imager.model.KernelProfile.KernelLocation;
import dev.unifarm.imager.model.KernelProfile.Named;
import dev.unifarm.imager.model.KernelProfile.StackSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Profiles as data: the defaults of each command-line kind and the names configuration uses. */
class KernelProfileTest {

    private static final KernelLocation KERNEL = new KernelLocation.File(Path.of("/kernels/elfloader_qemu-x86_64"));

    @Test
    void testLinux_defaultsAsBefore() {
        KernelProfile linux = KernelProfile.linux(Path.of("/boot/vmlinuz"));

        assertThat(linux.commandLine()).isEqualTo(CommandLineKind.LINUX);
        assertThat(linux.delivery()).isEqualTo(Delivery.INITRD);
        assertThat(linux.exit()).isEqualTo(ExitDetection.LINUX_PANIC);
        assertThat(linux.stackSource()).isEqualTo(StackSource.DERIVED);
        assertThat(linux.maxEnv()).isEqualTo(30);
        assertThat(linux.nonPieViaInterpreter()).isFalse();
        assertThat(linux.kernelFile()).isEqualTo(Path.of("/boot/vmlinuz"));
    }

    @Test
    void testUnikraftElfloader_defaultsFromRecordings() {
        KernelProfile uk = KernelProfile.unikraftElfloader("unikraft-elfloader-9pfs", KERNEL, Delivery.NINE_P);

        assertThat(uk.commandLine()).isEqualTo(CommandLineKind.UNIKRAFT);
        assertThat(uk.delivery()).isEqualTo(Delivery.NINE_P);
        assertThat(uk.exit()).isEqualTo(ExitDetection.UNIFARM_COMPAT);
        assertThat(uk.maxEnv()).isEqualTo(8);
        assertThat(uk.nonPieViaInterpreter()).isTrue();
        assertThat(uk.stackSource()).isEqualTo(StackSource.CONFIGURED);
        assertThat(uk.stack().start()).isEqualTo(0x400040000L);
        assertThat(uk.stack().end()).isEqualTo(0x400060000L);
    }

    @Test
    void testElfloaderStack_mapsAsRecorded() {
        assertThat(KernelProfile.ELFLOADER_STACK.mapsFile()).isEqualTo("400000000-400040000 rw-p 00000000 00:00 0 \n"
                + "400040000-400060000 rw-p 00000000 00:00 0" + " ".repeat(26) + "[stack]\n");
    }

    @Test
    void testKernelFile_ociKernelIsNoFile() {
        KernelProfile uk = KernelProfile.unikraftElfloader("uk", new KernelLocation.Oci("unikraft.org/base:latest"), Delivery.NINE_P);

        assertThat(uk.kernel().location()).isEqualTo("unikraft.org/base:latest");
        org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(uk::kernelFile)
                .withMessageContaining("unikraft.org/base:latest");
    }

    @Test
    void testWith_changesOneField() {
        KernelProfile uk = KernelProfile.unikraftElfloader("uk", KERNEL, Delivery.INITRD);
        StackRange calibrated = new StackRange(0x402a80000L, 0x402aa1000L);

        KernelProfile changed = uk.withStack(calibrated, StackSource.CALIBRATED).withMaxEnv(16).withExit(ExitDetection.LINUX_PANIC)
                .withNonPieViaInterpreter(false).withDelivery(Delivery.NINE_P);

        assertThat(changed).isEqualTo(new KernelProfile("uk", KERNEL, KernelProfile.Arch.X86_64, Delivery.NINE_P,
                CommandLineKind.UNIKRAFT, 16, calibrated, StackSource.CALIBRATED, ExitDetection.LINUX_PANIC, false));
    }

    @Test
    void testNew_envLimitBelowRuntimeEnvRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> KernelProfile.linux(Path.of("/boot/vmlinuz")).withMaxEnv(2))
                .withMessageContaining("at least 3");
    }

    @Test
    void testNamed_configNames() {
        assertThat(Named.parse(Delivery.class, "delivery", "9pfs")).isEqualTo(Delivery.NINE_P);
        assertThat(Named.parse(Delivery.class, "delivery", "initrd")).isEqualTo(Delivery.INITRD);
        assertThat(Named.parse(CommandLineKind.class, "command line", "unikraft")).isEqualTo(CommandLineKind.UNIKRAFT);
        assertThat(Named.parse(ExitDetection.class, "exit", "linux-panic")).isEqualTo(ExitDetection.LINUX_PANIC);
        assertThat(Named.parse(StackSource.class, "stack source", "calibrated")).isEqualTo(StackSource.CALIBRATED);
        assertThat(Named.parse(KernelProfile.Arch.class, "arch", "x86_64")).isEqualTo(KernelProfile.Arch.X86_64);
    }

    @Test
    void testNamed_unknownNameListsAllowed() {
        assertThatIllegalArgumentException().isThrownBy(() -> Named.parse(Delivery.class, "delivery", "virtiofs"))
                .withMessageContaining("virtiofs").withMessageContaining("[initrd, 9pfs]");
    }
}
