package dev.unifarm.imager;

import dev.unifarm.imager.kernel.KernelCommandLine;
import dev.unifarm.imager.model.FileTrees;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Built images in the store: read them, check an instance's overrides, export them as OCI images, delete them. */
public final class Images {

    private final ImageStore store;
    private final OciLayout layout;

    Images(ImageStore store, OciLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    public Optional<Image> image(String digest) {
        return store.image(digest);
    }

    /** Whether the manifest, root filesystem and kernel of {@code image} are all on this host. */
    public boolean complete(Image image) {
        return store.complete(image);
    }

    /** Renders the kernel command line with one instance's args and env, so overrides it cannot carry fail before a boot. */
    public void checkOverrides(Image image, List<String> args, Map<String, String> env) {
        KernelCommandLine.of(image.manifest(), args, env);
    }

    /** Exports an initrd image into the store's OCI layout ({@code oci-unsupported} for a 9pfs image). */
    public OciImage exportOci(Image image) {
        return layout.export(image);
    }

    /** Every blob of the image's OCI form (manifest, config, layers); empty when it was not exported. */
    public Set<String> ociBlobs(String imageDigest) {
        return layout.blobs(imageDigest);
    }

    /**
     * Deletes the image: its OCI form but the blobs in {@code ociInUse}, its root filesystem unless another image uses
     * it ({@code rootfsInUse}: paths as {@link Image#initrd()} gives them), then its manifest last, so an interrupted
     * deletion finds the image again. Returns the files deleted.
     */
    public List<Path> delete(String digest, Set<String> rootfsInUse, Set<String> ociInUse) {
        layout.remove(digest, ociInUse);
        List<Path> deleted = new ArrayList<>();
        Optional<Image> image = store.image(digest);
        if (image.isPresent() && !rootfsInUse.contains(image.get().initrd().toString())) {
            Path rootfs = image.get().initrd();
            if (Files.isDirectory(rootfs)) {
                deleteTree(rootfs);
                deleted.add(rootfs);
            } else {
                deleteFile(rootfs, deleted);
            }
        }
        deleteFile(store.blobPath(digest), deleted);
        return deleted;
    }

    /** A 9pfs tree is renamed out of place first, so a crash never leaves a half-deleted tree under its digest. */
    private void deleteTree(Path tree) {
        Path trash = store.newTempDir();
        try {
            Files.move(tree, trash.resolve("tree"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FileTrees.delete(trash);
    }

    private static void deleteFile(Path file, List<Path> deleted) {
        try {
            if (Files.deleteIfExists(file)) {
                deleted.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
