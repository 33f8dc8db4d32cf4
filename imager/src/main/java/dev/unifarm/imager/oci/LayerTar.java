package dev.unifarm.imager.oci;

import dev.unifarm.imager.archive.KeepOpenOutputStream;
import dev.unifarm.imager.model.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Uncompressed tar layers holding one file at a well-known path, written the way KraftKit writes
 * them (one entry, its name without the leading slash, no directory entries) and reproducibly: mtime
 * 1 s after the epoch, uid/gid 0, no user or group names, mode 0644, plain ustar (no PAX headers).
 */
final class LayerTar {

    private static final long MTIME_MILLIS = 1000;
    private static final int MODE = 0100644;

    private LayerTar() {
    }

    /** A layer file and the digest of the one file inside it. */
    record Written(String digest, long size, String contentDigest) {
    }

    /** Writes {@code source} as the only file of a tar at {@code path} (e.g. {@code /unikraft/bin/kernel}) into {@code target}. */
    static Written write(Path source, String path, Path target) throws IOException {
        MessageDigest layerDigest = Digests.newSha256();
        MessageDigest contentDigest = Digests.newSha256();
        long size = Files.size(source);
        try (OutputStream file = Files.newOutputStream(target);
                DigestOutputStream digesting = new DigestOutputStream(file, layerDigest);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(digesting)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
            TarArchiveEntry entry = new TarArchiveEntry(entryName(path), true);
            entry.setSize(size);
            entry.setMode(MODE);
            entry.setModTime(MTIME_MILLIS);
            entry.setUserId(0);
            entry.setGroupId(0);
            entry.setUserName("");
            entry.setGroupName("");
            tar.putArchiveEntry(entry);
            try (InputStream in = Files.newInputStream(source);
                    DigestOutputStream content = new DigestOutputStream(new KeepOpenOutputStream(tar), contentDigest)) {
                long copied = in.transferTo(content);
                if (copied != size) {
                    throw new IOException(source + " changed size while it was written into a layer");
                }
            }
            tar.closeArchiveEntry();
            tar.finish();
        }
        return new Written(Digests.format(layerDigest), Files.size(target), Digests.format(contentDigest));
    }

    /**
     * Copies the file at {@code path} out of a tar layer into {@code target}; empty if the layer has no
     * such file. Names match with or without a leading {@code /} or {@code ./}.
     */
    static Optional<String> extract(Path layer, String path, Path target) throws IOException {
        String wanted = entryName(path);
        try (InputStream file = Files.newInputStream(layer); TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile() || !wanted.equals(entryName(entry.getName()))) {
                    continue;
                }
                MessageDigest digest = Digests.newSha256();
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), digest)) {
                    tar.transferTo(out);
                }
                return Optional.of(Digests.format(digest));
            }
        }
        return Optional.empty();
    }

    /** {@code /unikraft/bin/kernel} and {@code ./unikraft/bin/kernel} are both the entry {@code unikraft/bin/kernel}. */
    static String entryName(String path) {
        String name = path;
        while (name.startsWith("/") || name.startsWith("./")) {
            name = name.startsWith("/") ? name.substring(1) : name.substring(2);
        }
        return name;
    }
}
