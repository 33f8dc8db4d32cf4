package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The farm's compatibility layer for .NET on Unikraft (docs/images.md, "Compatibility layer";
 * source {@code imager/src/main/c/unifarm-compat.c}, built by gcc in the imager's build into this
 * jar): a native library preloaded into the image's processes through {@code /etc/ld.so.preload}
 * that answers, at the libc boundary, the calls app-elfloader refuses the way Linux would, and reports
 * the app's end on the console. {@code /etc/ld.so.preload} is read by the dynamic loader itself, so it
 * works on a read-only 9pfs root and costs none of the kernel's few env entries.
 *
 * @param powerOff the image's kernel cannot end the VM when the app exits (app-elfloader): the layer
 *     writes the exit code to QEMU's {@code isa-debug-exit} port, which the scheduler adds for such images
 */
public record CompatLayer(boolean powerOff) {

    /** Where the library lies in the image. */
    public static final String LIBRARY = "/usr/lib/unifarm/libunifarm-compat.so";
    /** glibc's ld.so preloads every path listed here into every dynamically linked process. */
    static final String PRELOAD = "/etc/ld.so.preload";
    /** Read by the library's constructor: how to power the VM off (only Unikraft images have it). */
    static final String POWEROFF = "/etc/unifarm/compat-poweroff";
    static final String POWEROFF_ISA_DEBUG_EXIT = "isa-debug-exit\n";
    private static final String RESOURCE = "compat/libunifarm-compat.so";

    /** The layer as a kernel profile needs it: power-off only where the kernel cannot end the VM. */
    public static CompatLayer forProfile(KernelProfile profile) {
        return new CompatLayer(profile.commandLine() == CommandLineKind.UNIKRAFT);
    }

    /** The library, the preload list, and for {@link #powerOff} the power-off setting, into the image's base layer. */
    public void addTo(RootfsTree tree) {
        tree.file(LIBRARY, 0755, library());
        tree.text(PRELOAD, LIBRARY + "\n");
        if (powerOff) {
            tree.text(POWEROFF, POWEROFF_ISA_DEBUG_EXIT);
        }
    }

    /** The library the build compiled (a missing one means the jar was built without gcc's step). */
    public static byte[] library() {
        try (InputStream in = CompatLayer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the imager's classes: build the imager with Maven"
                        + " (its generate-resources phase compiles src/main/c/unifarm-compat.c with gcc)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
