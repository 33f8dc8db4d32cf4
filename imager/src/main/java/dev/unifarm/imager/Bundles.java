package dev.unifarm.imager;

import dev.unifarm.imager.bundle.BundleReader;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** Bundle intake: check an uploaded bundle before anything is recorded, and keep it in the store by digest. */
public final class Bundles {

    private final ImageStore store;
    private final BundleReader reader;

    Bundles(ImageStore store, BundleReader reader) {
        this.store = store;
        this.reader = reader;
    }

    /**
     * Unpacks {@code archive} under {@code scratch} (the caller deletes it, or hands it to the build:
     * {@link BuildRequest#withChecked}) and checks it is a .NET app with the entrypoint asked for; a refusal is an
     * {@code ImagerException} of an {@code ErrorKinds} type.
     */
    public void check(Path archive, Optional<String> entrypoint, Path scratch) {
        reader.read(archive, unpacked(scratch), entrypoint);
    }

    /** Where {@link #check} unpacks a bundle under its scratch dir. */
    static Path unpacked(Path scratch) {
        return scratch.resolve("bundle");
    }

    /** Copies {@code archive} into the store; returns its digest. */
    public String store(Path archive) {
        try {
            Path temp = store.newTempFile();
            Files.copy(archive, temp, StandardCopyOption.REPLACE_EXISTING);
            String digest = Digests.of(temp);
            store.putBlob(temp, digest);
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored bundle {@code digest}, or empty when the store no longer holds it. */
    public Optional<Path> stored(String digest) {
        Path blob = store.blobPath(digest);
        return Files.isRegularFile(blob) ? Optional.of(blob) : Optional.empty();
    }

    /** Deletes the stored bundle; true when there was one. */
    public boolean delete(String digest) {
        try {
            return Files.deleteIfExists(store.blobPath(digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
