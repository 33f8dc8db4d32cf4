package dev.unifarm.imager.store;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.FileTrees;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.KernelProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Content-addressed blob store ({@code blobs/sha256/<hex>}; the store's root is also an OCI image
 * layout, see {@link OciLayout}) holding bundles, initrds, image manifests and OCI layers, plus {@code trees/<hex>/}: the {@code 9pfs} form of a root filesystem,
 * named by the digest its initrd would have. A blob appears only by an atomic rename of a complete temp file, so
 * a crash leaves either the whole blob or nothing.
 */
public final class ImageStore {

    private static final ObjectMapper CANONICAL_JSON = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final Path dir;

    public ImageStore(Path dir) {
        this.dir = dir;
    }

    /** The store's root; also the root of its OCI image layout ({@link OciLayout}). */
    public Path dir() {
        return dir;
    }

    /** A fresh temp file on the store's own file system, so moving it into place is atomic. */
    public Path newTempFile() {
        try {
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            return Files.createTempFile(tmp, "blob-", ".part");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path blobPath(String digest) {
        return dir.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }

    /** Moves a complete temp file into place under its digest; a blob already there wins. */
    public Path putBlob(Path temp, String digest) {
        Path target = blobPath(digest);
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.delete(temp);
                return target;
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(temp);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException("the image store must be on one file system: " + dir, e);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the {@code 9pfs} form of the root filesystem with cpio digest {@code digest} lives. */
    public Path treePath(String digest) {
        return dir.resolve("trees").resolve(Digests.hex(digest));
    }

    /** A fresh temp dir on the store's own file system, so renaming it into place is atomic. */
    public Path newTempDir() {
        try {
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            return Files.createTempDirectory(tmp, "tree-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renames a complete temp tree into place under its digest; a tree already there wins. */
    public Path putTree(Path tempDir, String digest) {
        Path target = treePath(digest);
        try {
            Files.createDirectories(target.getParent());
            if (!Files.exists(target)) {
                try {
                    Files.move(tempDir, target, StandardCopyOption.ATOMIC_MOVE);
                    return target;
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another build put the same tree in place first
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IllegalStateException("the image store must be on one file system: " + dir, e);
                }
            }
            deleteTree(tempDir);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The root filesystem QEMU is given: the initrd blob, or the tree of a {@code 9pfs} image. */
    public Path rootfsPath(ImageManifest manifest) {
        return manifest.boot().rootfsDelivery() == KernelProfile.Delivery.NINE_P
                ? treePath(manifest.initrd())
                : blobPath(manifest.initrd());
    }

    /** Deletes a (temp) tree, children first; never follows links out of it. */
    public static void deleteTree(Path root) throws IOException {
        try {
            FileTrees.delete(root);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Stores the manifest; its digest names the image. */
    public Image putImage(ImageManifest manifest) {
        byte[] json = canonicalJson(manifest);
        String digest = Digests.of(json);
        try {
            Path temp = newTempFile();
            Files.write(temp, json);
            putBlob(temp, digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Image(digest, manifest, rootfsPath(manifest), kernelPath(manifest));
    }

    /**
     * The kernel QEMU boots: the blob named by the manifest's kernel digest when the store holds it
     * (put there by a registry pull), else the kernel file at the manifest's path.
     */
    public Path kernelPath(ImageManifest manifest) {
        if (manifest.kernelDigest() != null) {
            Path blob = blobPath(manifest.kernelDigest());
            if (Files.isRegularFile(blob)) {
                return blob;
            }
        }
        return Path.of(manifest.kernel());
    }

    /** Whether the manifest, root filesystem and kernel of {@code image} are all on this host. */
    public boolean complete(Image image) {
        return Files.isRegularFile(blobPath(image.digest())) && Files.exists(image.initrd()) && Files.isRegularFile(image.kernel());
    }

    public Optional<Image> image(String digest) {
        Path manifest = blobPath(digest);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            ImageManifest parsed = CANONICAL_JSON.readValue(manifest.toFile(), ImageManifest.class);
            return Optional.of(new Image(digest, parsed, rootfsPath(parsed), kernelPath(parsed)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ImageManifest parseManifest(byte[] json) {
        try {
            return CANONICAL_JSON.readValue(json, ImageManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] canonicalJson(ImageManifest manifest) {
        try {
            return CANONICAL_JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest always serializes", e);
        }
    }
}
