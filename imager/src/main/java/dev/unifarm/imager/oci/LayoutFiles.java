package dev.unifarm.imager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes the layout's blobs and files in the image store, each write atomic (temp file, then rename). */
final class LayoutFiles {

    private final ImageStore store;

    LayoutFiles(ImageStore store) {
        this.store = store;
    }

    ImageStore store() {
        return store;
    }

    /** Stores {@code bytes} as a blob; returns its digest. */
    String putBytes(byte[] bytes) {
        String digest = Digests.of(bytes);
        Path temp = store.newTempFile();
        try {
            Files.write(temp, bytes);
            store.putBlob(temp, digest);
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = store.newTempFile();
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** An OCI image manifest from the store, or {@code oci-invalid} for another kind of document. */
    JsonNode readManifest(String manifestDigest) {
        JsonNode manifest = readJson(manifestDigest);
        if (!OciLayout.MANIFEST_MEDIA_TYPE.equals(manifest.path("mediaType").asText())) {
            throw new ImagerException("oci-invalid", manifestDigest + " is not an OCI image manifest");
        }
        return manifest;
    }

    JsonNode readJson(String digest) {
        Path blob = store.blobPath(digest);
        if (!Files.isRegularFile(blob)) {
            throw new ImagerException("oci-missing", "blob " + digest + " is not in the store");
        }
        try {
            return OciJson.MAPPER.readTree(blob.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; the store's tmp dir is not content
        }
    }
}
