package dev.unifarm.imager.model;

import java.nio.file.Path;

/**
 * A built image in the store: its digest, manifest, and the files QEMU boots.
 *
 * @param initrd the root filesystem: the initrd blob, or for a {@code 9pfs} image its tree directory
 * @param kernel the kernel file: the store's blob named by {@code kernelDigest} when it holds one (an
 *     image pulled from a registry), else the manifest's kernel path
 */
public record Image(String digest, ImageManifest manifest, Path initrd, Path kernel) {

    /** An image booting the kernel at the manifest's path. */
    public Image(String digest, ImageManifest manifest, Path initrd) {
        this(digest, manifest, initrd, Path.of(manifest.kernel()));
    }
}
