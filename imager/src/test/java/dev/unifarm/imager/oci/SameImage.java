package dev.unifarm.imager.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.nio.file.Files;

/** The check that an image which travelled as OCI (unpacked from a layout, pulled from a registry) is the one built. */
final class SameImage {

    private SameImage() {
    }

    /** {@code arrived}, now in {@code store}, is {@code built} byte for byte, complete, and found under its OCI manifest. */
    static void assertSameImage(Image arrived, ImageStore store, Image built, OciImage oci) throws IOException {
        assertThat(arrived.digest()).isEqualTo(built.digest());
        assertThat(arrived.manifest()).isEqualTo(built.manifest());
        assertThat(Files.mismatch(arrived.initrd(), built.initrd())).isEqualTo(-1L);
        assertThat(arrived.kernel()).isEqualTo(store.blobPath(built.manifest().kernelDigest()));
        assertThat(Files.mismatch(arrived.kernel(), RealParts.linuxKernel())).isEqualTo(-1L);
        assertThat(store.complete(arrived)).isTrue();
        assertThat(new OciLayout(store).find(built.digest())).contains(oci);
    }
}
