package dev.unifarm.imager.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.build.ImageBuilder;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile.Delivery;
import dev.unifarm.imager.model.KernelProfile.KernelLocation;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which images get the compatibility layer (the library gcc built in this module's build), as 9pfs
 * trees so the files can be read: every Unikraft image unless the app turns it off, a {@code linux}
 * image only when asked. The layer's behaviour is tested by booting it (scheduler's CompatLayerBootTest).
 */
class CompatLayerTest {

    @TempDir
    Path temp;

    @Test
    void testLibrary_isTheX8664ElfGccBuilt() {
        byte[] library = CompatLayer.library();

        assertThat(library).startsWith(0x7f, 'E', 'L', 'F', 2, 1);
        assertThat(library.length).isBetween(4_000, 200_000);
    }

    @Test
    void testUnikraft_getsLibraryPreloadAndPowerOff() throws IOException {
        List<String> log = new ArrayList<>();
        Image image = build(unikraft(), null, log);
        Path tree = image.initrd();

        assertThat(Files.readAllBytes(tree.resolve("usr/lib/unifarm/libunifarm-compat.so"))).isEqualTo(CompatLayer.library());
        assertThat(tree.resolve("usr/lib/unifarm/libunifarm-compat.so")).isExecutable();
        assertThat(tree.resolve("etc/ld.so.preload")).hasContent("/usr/lib/unifarm/libunifarm-compat.so");
        assertThat(tree.resolve("etc/unifarm/compat-poweroff")).hasContent("isa-debug-exit");
        assertThat(image.manifest().boot().exit()).isEqualTo("unifarm-compat");
        assertThat(image.manifest().env()).doesNotContainKey("LD_PRELOAD");
        assertThat(log).anySatisfy(line -> assertThat(line).startsWith("compat: /usr/lib/unifarm/libunifarm-compat.so preloaded")
                .endsWith("then the VM powered off (isa-debug-exit)"));
    }

    @Test
    void testUnikraft_compatFalseLeavesItOutAndNothingReportsTheExit() throws IOException {
        List<String> log = new ArrayList<>();
        Image image = build(unikraft(), false, log);

        assertThat(image.initrd().resolve("etc/ld.so.preload")).doesNotExist();
        assertThat(image.initrd().resolve("usr/lib/unifarm")).doesNotExist();
        assertThat(image.manifest().boot().exit()).isEqualTo("none");
        assertThat(log).anySatisfy(line -> assertThat(line).startsWith("compat: left out (spec.compat false)"));
    }

    @Test
    void testLinux_neverUnlessAsked() throws IOException {
        Image plain = build(linux(), null, new ArrayList<>());
        Image asked = build(linux(), true, new ArrayList<>());

        assertThat(plain.initrd().resolve("etc/ld.so.preload")).doesNotExist();
        assertThat(asked.initrd().resolve("etc/ld.so.preload")).hasContent("/usr/lib/unifarm/libunifarm-compat.so");
        // ring 3 under Linux: a port write would fault, so the layer is never told to power off
        assertThat(asked.initrd().resolve("etc/unifarm/compat-poweroff")).doesNotExist();
        assertThat(asked.manifest().boot().exit()).isEqualTo("linux-panic");
        assertThat(asked.manifest().initrd()).isNotEqualTo(plain.manifest().initrd());
    }

    private KernelProfile unikraft() throws IOException {
        Path kernel = Files.write(temp.resolve("elfloader_qemu-x86_64"), new byte[] {0x7f, 'E', 'L', 'F'});
        return KernelProfile.unikraftElfloader("unikraft-elfloader-9pfs", new KernelLocation.File(kernel), Delivery.NINE_P);
    }

    /** A linux-kind profile delivering a tree, so the test reads files instead of a cpio. */
    private KernelProfile linux() throws IOException {
        Path kernel = temp.resolve("vmlinuz");
        if (!Files.exists(kernel)) {
            Files.write(kernel, new byte[] {'M', 'Z'});
        }
        return KernelProfile.linux(kernel).withDelivery(Delivery.NINE_P);
    }

    private Image build(KernelProfile profile, Boolean compat, List<String> log) {
        Bundle bundle = new BundleReader().read(RealParts.sample("hello"), temp.resolve("bundle-" + System.nanoTime()), Optional.empty());
        return ImageBuilder.forBundle(bundle).runtimes(RealParts.runtimeStore()).profile(profile).compat(compat).log(log::add)
                .build(new ImageStore(temp.resolve("store")));
    }
}
