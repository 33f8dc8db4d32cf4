package dev.unifarm.imager;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Imager#build} hands back: the stored image, the build's log lines in order, and its OCI export
 * when one was asked for and the image has an initrd (a 9pfs root is a tree, never an OCI image).
 */
public record BuiltImage(Image image, List<String> log, Optional<OciImage> oci) {

    public BuiltImage {
        log = List.copyOf(log);
    }
}
