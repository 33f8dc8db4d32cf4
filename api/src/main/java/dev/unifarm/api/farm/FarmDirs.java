package dev.unifarm.api.farm;

import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.imager.model.FileTrees;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Where things live under the data dir; the one place that knows the layout. */
@ApplicationScoped
public class FarmDirs {

    private final Path dataDir;

    FarmDirs(UnifarmConfig config) {
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Content-addressed blobs: bundles, initrds, image manifests. */
    public Path store() {
        return dataDir.resolve("store");
    }

    /** Encoded runtime layers reused across builds; safe to delete (they are rebuilt on demand). */
    public Path layerCache() {
        return store().resolve("cache/base");
    }

    /** Scratch space for extracting bundles; anything here may be deleted at start-up. */
    public Path work() {
        return dataDir.resolve("work");
    }

    /** The accelerator probe's ROM lives here for its few seconds (not in {@link #work()}, which start-up empties). */
    public Path acceleratorProbe() {
        return dataDir.resolve("accel-probe");
    }

    /**
     * The data dir becomes the farm's alone (0700): instances' QEMUs run as other uids and reach their
     * own dir and image only through their mount namespace, never the database, the API token, bundles
     * or other instances.
     */
    public void fence() {
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data dir " + dataDir + " the farm's alone: " + e.getMessage(), e);
        }
    }

    public Path instance(String id) {
        return dataDir.resolve("instances").resolve(id);
    }

    /** A fresh, empty scratch directory. */
    public Path newWorkDir(String prefix) {
        try {
            return Files.createTempDirectory(Files.createDirectories(work()), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        FileTrees.delete(dir);
    }
}
