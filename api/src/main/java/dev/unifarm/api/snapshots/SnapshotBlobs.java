package dev.unifarm.api.snapshots;

import dev.unifarm.imager.model.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The snapshot store's files, {@code <root>/blobs/sha256/<hex>}: a maker run's state and RAM file are moved in
 * under their digests (a rename on the data dir's filesystem, so the sparse RAM file is never copied), and blobs no
 * row names are deleted. A file is only ever whole under its name: a crash leaves at most unnamed blobs.
 */
final class SnapshotBlobs {

    private final Path blobs;

    SnapshotBlobs(Path root) {
        this.blobs = root.resolve("blobs").resolve("sha256");
    }

    Path blob(String digest) {
        return blobs.resolve(Digests.hex(digest));
    }

    /** What a file is: digest, apparent size, allocated bytes and mtime. */
    record Measured(String digest, long bytes, long allocatedBytes, long mtimeMillis) {
    }

    static Measured measure(Path file) throws IOException {
        String digest;
        try {
            digest = Digests.of(file);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Measured(digest, Files.size(file), allocatedBytes(file), Files.getLastModifiedTime(file).toMillis());
    }

    /**
     * Moves {@code file} in as blob {@code digest} (the same bytes already there: the file is dropped), owned by the
     * farm and readable only by it; the restoring scheduler grants each restore what it needs. Returns the blob.
     */
    Path adopt(Path file, String digest) throws IOException {
        Files.createDirectories(blobs);
        Path target = blob(digest);
        if (Files.exists(target)) {
            Files.delete(file);
            return target;
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        ownByFarm(target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }

    /** Deletes the blobs whose digests {@code named} leaves out; returns the deleted ones. */
    List<Path> sweep(Set<String> named) throws IOException {
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(blobs)) {
            return deleted;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(blobs)) {
            for (Path file : files) {
                if (!named.contains(Digests.PREFIX + file.getFileName())) {
                    Files.deleteIfExists(file);
                    deleted.add(file);
                }
            }
        }
        return deleted;
    }

    /** Blocks the file takes on disk, in bytes ({@code stat}: the JDK has no attribute for it). */
    static long allocatedBytes(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        Process stat = new ProcessBuilder("stat", "--format=%b %B", file.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(stat.getInputStream().readAllBytes()).trim();
            if (stat.waitFor() != 0) {
                throw new IOException("stat " + file + " failed: " + out);
            }
            String[] parts = out.split(" ");
            return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while measuring " + file, e);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("stat " + file + " said something unexpected", e);
        }
    }

    /** The maker's QEMU made the file as its instance's uid, which a later instance may get: the farm takes it over where it can. */
    private static void ownByFarm(Path file) throws IOException {
        UserPrincipal farm = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
        if (!Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).equals(farm) && isRoot()) {
            Files.setOwner(file, farm);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
