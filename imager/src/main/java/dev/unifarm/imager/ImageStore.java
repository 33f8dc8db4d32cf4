package dev.unifarm.imager;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Content-addressed blob store ({@code blobs/sha256/<hex>}, as in an OCI image layout) holding
 * initrds and image manifests. A blob appears only by an atomic rename of a complete temp file, so
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
        return new Image(digest, manifest, blobPath(manifest.initrd()));
    }

    public Optional<Image> image(String digest) {
        Path manifest = blobPath(digest);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            ImageManifest parsed = CANONICAL_JSON.readValue(manifest.toFile(), ImageManifest.class);
            return Optional.of(new Image(digest, parsed, blobPath(parsed.initrd())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] canonicalJson(ImageManifest manifest) {
        try {
            return CANONICAL_JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest always serializes", e);
        }
    }
}
