package dev.unifarm.imager;

import java.nio.file.Path;

/**
 * A built image in the store: its digest, manifest, and the files QEMU boots.
 *
 * @param initrd the root filesystem: the initrd blob, or for a {@code 9pfs} image its tree directory
 */
public record Image(String digest, ImageManifest manifest, Path initrd) {

    public Path kernel() {
        return Path.of(manifest.kernel());
    }
}
