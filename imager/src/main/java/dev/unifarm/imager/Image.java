package dev.unifarm.imager;

import java.nio.file.Path;

/** A built image in the store: its digest, manifest, and the files QEMU boots. */
public record Image(String digest, ImageManifest manifest, Path initrd) {

    public Path kernel() {
        return Path.of(manifest.kernel());
    }
}
