package dev.unifarm.imager.archive;

import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a {@code .zip} or {@code .tar.gz} into a directory, refusing anything but plain files and
 * folders. A zip is checked whole (its central directory) before the first byte is written; a tar is
 * a stream, so each entry is checked before it is written and the caller deletes the directory when
 * a later one is refused. An {@link IOException} leaving here is always the archive's fault (damaged
 * or truncated); failures writing the directory are {@link UncheckedIOException}s.
 */
public final class ArchiveExtractor {

    private static final int UNIX_TYPE_MASK = 0170000;

    private final long maxBytes;
    private final int maxEntries;

    public ArchiveExtractor(long maxBytes, int maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    public void zip(Path archive, Path target) throws IOException {
        ArchiveEntryRules rules = new ArchiveEntryRules(maxEntries);
        rules.expect(ZipEndRecord.read(archive).entries());
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
            List<String> names = new ArrayList<>();
            ZipBombGuard declared = new ZipBombGuard(maxBytes);
            long compressed = 0;
            for (ZipArchiveEntry entry : entries) {
                rules.count();
                if (entry.isDirectory()) {
                    rules.directory(entry.getName());
                    names.add(null);
                    continue;
                }
                String name = rules.file(entry.getName());
                checkZipType(entry, name);
                if (!zip.canReadEntryData(entry)) {
                    throw new ImagerException(ErrorKinds.INVALID, "the bundle entry " + name
                            + " is encrypted or uses an unusual compression method: zip without a password, with deflate");
                }
                declared.declare(name, entry.getSize(), entry.getCompressedSize());
                compressed += Math.max(entry.getCompressedSize(), 0);
                names.add(name);
            }
            if (compressed > Files.size(archive)) {
                throw new ImagerException(ErrorKinds.BOMB, "the bundle's zip entries overlap (" + compressed
                        + " compressed bytes in a " + Files.size(archive) + "-byte file): that is a decompression bomb");
            }
            ZipBombGuard unpacked = new ZipBombGuard(maxBytes);
            for (int i = 0; i < entries.size(); i++) {
                ZipArchiveEntry entry = entries.get(i);
                String name = names.get(i);
                if (name != null) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        write(target.resolve(name), out -> in.transferTo(
                                unpacked.entry(out, name, entry.getSize(), entry.getCompressedSize())));
                    }
                }
            }
        }
    }

    private static void checkZipType(ZipArchiveEntry entry, String name) {
        if (entry.isUnixSymlink()) {
            throw link(name, "a symbolic link");
        }
        if (entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX) {
            int type = entry.getUnixMode() & UNIX_TYPE_MASK;
            if (type != 0 && type != UnixStat.FILE_FLAG) {
                throw special(name, "of unix file type 0" + Integer.toOctalString(type));
            }
        }
    }

    public void tarGz(Path archive, Path target) throws IOException {
        ArchiveEntryRules rules = new ArchiveEntryRules(maxEntries);
        ZipBombGuard guard = new ZipBombGuard(maxBytes);
        try (CountingInputStream compressed = new CountingInputStream(new BufferedInputStream(Files.newInputStream(archive)));
                TarArchiveInputStream tar = new TarArchiveInputStream(
                        guard.stream(new GzipCompressorInputStream(compressed), "the bundle", compressed::count))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                rules.count();
                if (entry.isDirectory()) {
                    rules.directory(entry.getName());
                    continue;
                }
                String name = rules.file(entry.getName());
                checkTarType(entry, name);
                guard.expect(entry.getSize());
                write(target.resolve(name), out -> tar.transferTo(out));
            }
        }
    }

    private static void checkTarType(TarArchiveEntry entry, String name) {
        if (entry.isSymbolicLink()) {
            throw link(name, "a symbolic link to " + entry.getLinkName());
        }
        if (entry.isLink()) {
            throw link(name, "a hard link to " + entry.getLinkName());
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw special(name, "a device");
        }
        if (entry.isFIFO()) {
            throw special(name, "a named pipe (FIFO)");
        }
        byte flag = entry.getLinkFlag();
        if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM && flag != TarConstants.LF_CONTIG) {
            throw special(name, "of tar entry type '" + (char) flag + "'");
        }
    }

    private static ImagerException link(String name, String what) {
        return new ImagerException(ErrorKinds.LINK, "the bundle entry " + name + " is " + what
                + ": links are refused (dotnet publish writes none); archive the files themselves");
    }

    private static ImagerException special(String name, String what) {
        return new ImagerException(ErrorKinds.SPECIAL_FILE, "the bundle entry " + name + " is " + what
                + ", not a regular file or folder: archive only the dotnet publish output");
    }

    private interface Copy {
        void to(OutputStream out) throws IOException;
    }

    /** Writes one new file; write-side failures are the farm's, so they leave as UncheckedIOException. */
    private static void write(Path file, Copy copy) throws IOException {
        OutputStream sink;
        try {
            Files.createDirectories(file.getParent());
            sink = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (OutputStream out = new FarmSideOutputStream(sink)) {
            copy.to(out);
        }
    }

    /** Marks the output's IOExceptions as the farm's (disk full), not the archive's. */
    private static final class FarmSideOutputStream extends FilterOutputStream {

        FarmSideOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Counts the compressed bytes the decompressor has consumed. */
    private static final class CountingInputStream extends FilterInputStream {

        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
