package dev.unifarm.api.operator;

import dev.unifarm.api.farm.FarmDirs;
import java.nio.file.Path;

/** A bundle fetched into its own work dir, and its sha256; {@link #close()} deletes the dir. */
record FetchedBundle(Path dir, Path file, String digest) implements AutoCloseable {

    @Override
    public void close() {
        FarmDirs.deleteTree(dir);
    }
}
