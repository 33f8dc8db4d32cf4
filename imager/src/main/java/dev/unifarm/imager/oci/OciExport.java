package dev.unifarm.imager.oci;

import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Writes an image as KraftKit shapes a unikernel: a kernel layer, an initrd layer, a config carrying our manifest. */
final class OciExport {

    private final LayoutFiles files;
    private final ImageStore store;

    OciExport(LayoutFiles files) {
        this.files = files;
        this.store = files.store();
    }

    /** The image's layers, config and manifest as blobs; refuses a {@code 9pfs} image and a kernel that changed since the build. */
    OciImage export(Image image) {
        ImageManifest manifest = image.manifest();
        if (manifest.boot().rootfsDelivery() == KernelProfile.Delivery.NINE_P) {
            throw new ImagerException("oci-unsupported", "image " + image.digest() + " has a 9pfs root (a tree, not an initrd):"
                    + " only initrd images are exported as OCI images");
        }
        LayerTar.Written kernel = layer(image.kernel(), OciLayout.KERNEL_PATH, manifest.kernelDigest(), "kernel");
        LayerTar.Written initrd = layer(image.initrd(), OciLayout.INITRD_PATH, manifest.initrd(), "initrd");
        byte[] config = OciJson.write(config(image, storedManifest(image), List.of(kernel.digest(), initrd.digest())));
        String configDigest = files.putBytes(config);
        SortedMap<String, Object> document = new TreeMap<>();
        document.put("schemaVersion", 2);
        document.put("mediaType", OciLayout.MANIFEST_MEDIA_TYPE);
        document.put("config", OciJson.descriptor(OciLayout.CONFIG_MEDIA_TYPE, configDigest, config.length, OciLayout.platform(),
                OciLayout.kraftkit()));
        document.put("layers", List.of(
                OciJson.descriptor(OciLayout.LAYER_MEDIA_TYPE, kernel.digest(), kernel.size(), null,
                        OciLayout.kraftkit(OciLayout.ANNOTATION_KERNEL, OciLayout.KERNEL_PATH)),
                OciJson.descriptor(OciLayout.LAYER_MEDIA_TYPE, initrd.digest(), initrd.size(), null,
                        OciLayout.kraftkit(OciLayout.ANNOTATION_INITRD, OciLayout.INITRD_PATH))));
        document.put("annotations", OciLayout.kraftkit(OciLayout.ANNOTATION_IMAGE_DIGEST, image.digest()));
        byte[] json = OciJson.write(document);
        return new OciImage(files.putBytes(json), json.length, image.digest());
    }

    private LayerTar.Written layer(Path source, String path, String expected, String what) {
        Optional<LayerTar.Written> known = knownLayer(path, expected);
        if (known.isPresent()) {
            return known.get();
        }
        Path temp = store.newTempFile();
        try {
            LayerTar.Written written = LayerTar.write(source, path, temp);
            if (expected != null && !expected.equals(written.contentDigest())) {
                throw new ImagerException("oci-unsupported", "the " + what + " " + source + " has digest " + written.contentDigest()
                        + " but the image was built with " + expected + ": it changed since the build; build the app again");
            }
            store.putBlob(temp, written.digest());
            Files.createDirectories(layerNote(path, written.contentDigest()).getParent());
            files.writeAtomically(layerNote(path, written.contentDigest()),
                    (written.digest() + " " + written.size()).getBytes(StandardCharsets.US_ASCII));
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LayoutFiles.deleteQuietly(temp);
        }
    }

    /**
     * The layer written before for this content at this path, if its blob is still whole: every image of
     * a kernel shares its layer, every image of a root filesystem its initrd layer, and writing one
     * again would read, hash and write the whole file (~90 MB for hello) for the same bytes.
     */
    private Optional<LayerTar.Written> knownLayer(String path, String contentDigest) {
        Path note = contentDigest == null ? null : layerNote(path, contentDigest);
        if (note == null || !Files.isRegularFile(note)) {
            return Optional.empty();
        }
        try {
            String[] fields = Files.readString(note, StandardCharsets.US_ASCII).trim().split(" ");
            Path blob = store.blobPath(fields[0]);
            long size = Long.parseLong(fields[1]);
            return Files.isRegularFile(blob) && Files.size(blob) == size
                    ? Optional.of(new LayerTar.Written(fields[0], size, contentDigest))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable note only costs writing the layer again
        }
    }

    /** {@code oci-layers/<sha256 of path and content digest>}: names the layer blob holding that content at that path. */
    private Path layerNote(String path, String contentDigest) {
        String key = Digests.of((path + "\n" + contentDigest).getBytes(StandardCharsets.UTF_8));
        return store.dir().resolve(OciLayout.LAYER_NOTES).resolve(Digests.hex(key));
    }

    /** Our manifest's bytes exactly as stored (their sha256 is the image digest). */
    private String storedManifest(Image image) {
        try {
            byte[] bytes = Files.readAllBytes(store.blobPath(image.digest()));
            if (!Digests.of(bytes).equals(image.digest())) {
                throw new IllegalStateException("the store's blob " + image.digest() + " does not match its name");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> config(Image image, String manifestJson, List<String> diffIds) {
        ImageManifest manifest = image.manifest();
        List<String> cmd = new ArrayList<>();
        if (manifest.boot().loader() != null) {
            cmd.add(manifest.boot().loader());
        }
        cmd.add(manifest.executable());
        cmd.add(manifest.entrypoint());
        cmd.addAll(manifest.args());
        List<String> env = manifest.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        SortedMap<String, Object> runConfig = new TreeMap<>();
        runConfig.put("Cmd", cmd);
        runConfig.put("Env", env);
        runConfig.put("Labels", Map.of(OciLayout.LABEL_IMAGE_MANIFEST, manifestJson));
        SortedMap<String, Object> config = new TreeMap<>();
        config.put("architecture", OciLayout.ARCHITECTURE);
        config.put("os", OciLayout.OS);
        config.put("config", runConfig);
        config.put("rootfs", OciJson.map("type", "layers", "diff_ids", diffIds));
        return config;
    }
}
