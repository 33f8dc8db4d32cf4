package dev.unifarm.api.kernels;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import java.util.List;

/** What a user of a kernel profile must know that its fields do not say: the kernel configuration it assumes. */
final class ProfileNotes {

    /**
     * The unikraft {@code initrd} delivery's {@code vfs.fstab=[ "initrd0:/:extract:::" ]} extracts the cpio
     * into {@code /}, so {@code /} must already be a writable filesystem: app-elfloader's own configuration
     * mounts a ramfs there first; a kernel without that stops with this line.
     */
    static final String INITRD_NEEDS_RAMFS_ROOT = "the initrd is extracted into / (vfs.fstab initrd0:/:extract:::): this works only"
            + " on a kernel whose configuration mounts a ramfs at / first; on another the boot stops with \"Failed to extract"
            + " cpio archive to /: -6\" (reason RootNotExtractable): use such a kernel or the 9pfs delivery";

    private ProfileNotes() {
    }

    static List<String> of(KernelProfile profile) {
        if (profile.commandLine() == CommandLineKind.UNIKRAFT && profile.delivery() == KernelProfile.Delivery.INITRD) {
            return List.of(INITRD_NEEDS_RAMFS_ROOT);
        }
        return List.of();
    }
}
