package dev.unifarm.imager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Turns an OCI manifest whose blobs are in the store back into a bootable image, each part checked against its digest. */
final class OciUnpack {

    private final LayoutFiles files;

    OciUnpack(LayoutFiles files) {
        this.files = files;
    }

    /** Our manifest from the config's label, the initrd and kernel out of their layers; the image is then in the store. */
    Image unpack(String manifestDigest) {
        ImageStore store = files.store();
        JsonNode manifest = files.readManifest(manifestDigest);
        String imageDigest = manifest.path("annotations").path(OciLayout.ANNOTATION_IMAGE_DIGEST).asText(null);
        if (imageDigest == null) {
            throw new ImagerException("oci-invalid", "OCI manifest " + manifestDigest + " has no " + OciLayout.ANNOTATION_IMAGE_DIGEST
                    + " annotation: it was not exported by Unifarm");
        }
        JsonNode config = files.readJson(manifest.path("config").path("digest").asText());
        String manifestJson = config.path("config").path("Labels").path(OciLayout.LABEL_IMAGE_MANIFEST).asText(null);
        if (manifestJson == null) {
            throw new ImagerException("oci-invalid", "the config of OCI manifest " + manifestDigest + " has no "
                    + OciLayout.LABEL_IMAGE_MANIFEST + " label");
        }
        byte[] imageManifestBytes = manifestJson.getBytes(StandardCharsets.UTF_8);
        if (!Digests.of(imageManifestBytes).equals(imageDigest)) {
            throw new ImagerException("oci-invalid", "the image manifest in OCI manifest " + manifestDigest
                    + " does not have the digest its annotation names (" + imageDigest + ")");
        }
        ImageManifest imageManifest = ImageStore.parseManifest(imageManifestBytes);
        for (JsonNode layer : manifest.path("layers")) {
            Path layerBlob = store.blobPath(layer.path("digest").asText());
            extractInto(layerBlob, OciLayout.KERNEL_PATH, imageManifest.kernelDigest());
            extractInto(layerBlob, OciLayout.INITRD_PATH, imageManifest.initrd());
        }
        for (String needed : List.of(imageManifest.kernelDigest(), imageManifest.initrd())) {
            if (!Files.isRegularFile(store.blobPath(needed))) {
                throw new ImagerException("oci-invalid", "OCI manifest " + manifestDigest + " has no layer holding "
                        + (needed.equals(imageManifest.initrd()) ? OciLayout.INITRD_PATH : OciLayout.KERNEL_PATH)
                        + " with digest " + needed);
            }
        }
        files.putBytes(imageManifestBytes);
        return store.image(imageDigest).orElseThrow();
    }

    private void extractInto(Path layer, String path, String digest) {
        ImageStore store = files.store();
        if (Files.isRegularFile(store.blobPath(digest))) {
            return;
        }
        Path temp = store.newTempFile();
        try {
            Optional<String> found = LayerTar.extract(layer, path, temp);
            if (found.isEmpty()) {
                return;
            }
            if (!found.get().equals(digest)) {
                throw new ImagerException("oci-invalid", path + " in layer " + layer.getFileName() + " has digest " + found.get()
                        + ", the image manifest names " + digest);
            }
            store.putBlob(temp, digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LayoutFiles.deleteQuietly(temp);
        }
    }
}
