package dev.unifarm.imager.initrd;

import dev.unifarm.imager.closure.NativeClosure;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.rootfs.RootfsEntry;
import dev.unifarm.imager.rootfs.RootfsTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The base layer (runtime, libraries, system stand-ins) encoded once per runtime, profile and
 * sysroot, so a new app revision only encodes its own bytes. Segments live on disk under a key that
 * fingerprints every entry (path, mode, and for copied files source, size and mtime); the sha256
 * state after each segment is kept in memory, so the image digest only hashes the app's bytes too.
 */
public final class BaseLayerCache {

    /** A cached base segment: its file, length, and the digest state after hashing it. */
    record Segment(Path file, long length, MessageDigest digestState, boolean hit) {

        /** A fresh copy of the digest state: each image's digest continues from it independently. */
        MessageDigest continueDigest() {
            try {
                return (MessageDigest) digestState.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the JDK's SHA-256 supports clone", e);
            }
        }
    }

    private static final String FORMAT = "unifarm-base-layer-v1";

    /** A computed closure and the fingerprint of every file it was computed from or names. */
    private record Closure(NativeClosure.Result result, String fingerprint) {
    }

    private final Path dir;
    private final Map<String, MessageDigest> states = new ConcurrentHashMap<>();
    private final Map<List<Path>, Closure> closures = new ConcurrentHashMap<>();
    private final Map<String, String> fileDigests = new ConcurrentHashMap<>();

    public BaseLayerCache(Path dir) {
        this.dir = dir;
    }

    /** The encoded base layer for {@code base}: read from the cache, or written into it now. */
    synchronized Segment segment(RootfsTree base) throws IOException {
        String key = key(base);
        Path file = dir.resolve(key + ".cpio");
        if (Files.isRegularFile(file)) {
            MessageDigest state = states.computeIfAbsent(key, k -> hash(file));
            return new Segment(file, Files.size(file), state, true);
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, key, ".part");
        try {
            MessageDigest state = Digests.newSha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), state)) {
                CpioWriter.writeSegment(base, out, 1);
            }
            moveIntoPlace(temp, file);
            states.put(key, state);
            return new Segment(file, Files.size(file), state, false);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The native closure of these files, reused while neither they nor any library it names has
     * changed (reading ELF files is most of a warm rebuild otherwise).
     */
    public NativeClosure.Result closure(List<Path> required, List<Path> optional, Supplier<NativeClosure.Result> compute) {
        List<Path> roots = new ArrayList<>(required);
        roots.add(null); // separates required from optional in the map key
        roots.addAll(optional);
        Closure known = closures.get(roots);
        if (known != null && known.fingerprint().equals(fingerprint(roots, known.result()))) {
            return known.result();
        }
        NativeClosure.Result result = compute.get();
        closures.put(roots, new Closure(result, fingerprint(roots, result)));
        return result;
    }

    /** sha256 of a large input file (the kernel), re-hashed only when its size or mtime changes. */
    public String fileDigest(Path file) {
        return fileDigests.computeIfAbsent(stamp(file), stamp -> Digests.of(file));
    }

    private static String fingerprint(List<Path> roots, NativeClosure.Result result) {
        StringBuilder text = new StringBuilder();
        roots.stream().filter(java.util.Objects::nonNull).forEach(file -> text.append(stamp(file)));
        result.libraries().forEach(lib -> text.append(stamp(lib.source())));
        text.append(stamp(result.interpreter().source()));
        return text.toString();
    }

    private static String stamp(Path file) {
        return file + " " + size(file) + " " + mtime(file) + "\n";
    }

    /** Fingerprint of everything that ends up in the segment's bytes. */
    static String key(RootfsTree base) {
        MessageDigest key = Digests.newSha256();
        update(key, FORMAT);
        for (RootfsEntry entry : base.entries()) {
            update(key, entry.getClass().getSimpleName() + " " + entry.path() + " " + Integer.toOctalString(entry.mode()));
            if (entry instanceof RootfsEntry.CopiedFile f) {
                update(key, f.source().toAbsolutePath() + " " + size(f.source()) + " " + mtime(f.source()));
            } else if (entry instanceof RootfsEntry.GeneratedFile g) {
                update(key, HexFormat.of().formatHex(Digests.newSha256().digest(g.content())));
            } else if (entry instanceof RootfsEntry.Symlink s) {
                update(key, s.target());
            } else if (entry instanceof RootfsEntry.CharDevice c) {
                update(key, c.major() + ":" + c.minor());
            }
        }
        return HexFormat.of().formatHex(key.digest());
    }

    private static void update(MessageDigest digest, String line) {
        digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest hash(Path file) {
        MessageDigest digest = Digests.newSha256();
        try (InputStream in = Files.newInputStream(file); OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digest;
    }

    private static void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException("the layer cache must be on one file system: " + file.getParent(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long mtime(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
