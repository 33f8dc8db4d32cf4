package dev.unifarm.imager;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;

/**
 * Writes a {@link RootfsTree} as a cpio {@code newc} archive, the initrd format both Linux and
 * Unikraft read. Reproducible: entries in tree order, uid/gid 0, one fixed mtime.
 */
final class CpioWriter {

    /** Epoch + 1 s, as Jib does: some tools treat mtime 0 as "unset". */
    static final long FIXED_MTIME_SECONDS = 1;

    /** Writes the archive and returns its digest ({@code sha256:…}) and size. */
    static Written write(RootfsTree tree, OutputStream target) throws IOException {
        MessageDigest digest = Digests.newSha256();
        CountingOutputStream counting = new CountingOutputStream(new DigestOutputStream(target, digest));
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(new BufferedOutputStream(counting, 1 << 16),
                CpioConstants.FORMAT_NEW, CpioConstants.BLOCK_SIZE, StandardCharsets.UTF_8.name())) {
            for (RootfsEntry entry : tree.entries()) {
                writeEntry(cpio, entry);
            }
            cpio.finish();
        }
        return new Written(Digests.format(digest), counting.count());
    }

    record Written(String digest, long size) {
    }

    private static void writeEntry(CpioArchiveOutputStream cpio, RootfsEntry entry) throws IOException {
        // newc names are relative to the extraction root: "app/x.dll", not "/app/x.dll".
        String name = entry.path().substring(1);
        if (entry instanceof RootfsEntry.Directory d) {
            put(cpio, header(name, CpioConstants.C_ISDIR | d.mode(), 0, 2), null);
        } else if (entry instanceof RootfsEntry.CopiedFile f) {
            try (InputStream in = Files.newInputStream(f.source())) {
                put(cpio, header(name, CpioConstants.C_ISREG | f.mode(), Files.size(f.source()), 1), in);
            }
        } else if (entry instanceof RootfsEntry.GeneratedFile g) {
            put(cpio, header(name, CpioConstants.C_ISREG | g.mode(), g.content().length, 1), new ByteArrayInputStream(g.content()));
        } else if (entry instanceof RootfsEntry.Symlink s) {
            byte[] target = s.target().getBytes(StandardCharsets.UTF_8);
            put(cpio, header(name, CpioConstants.C_ISLNK | s.mode(), target.length, 1), new ByteArrayInputStream(target));
        } else if (entry instanceof RootfsEntry.CharDevice c) {
            CpioArchiveEntry header = header(name, CpioConstants.C_ISCHR | c.mode(), 0, 1);
            header.setRemoteDeviceMaj(c.major());
            header.setRemoteDeviceMin(c.minor());
            put(cpio, header, null);
        }
    }

    private static CpioArchiveEntry header(String name, int mode, long size, int links) {
        CpioArchiveEntry header = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, size);
        header.setMode(mode);
        header.setUID(0);
        header.setGID(0);
        header.setTime(FIXED_MTIME_SECONDS);
        header.setNumberOfLinks(links);
        return header;
    }

    private static void put(CpioArchiveOutputStream cpio, CpioArchiveEntry header, InputStream content) throws IOException {
        cpio.putArchiveEntry(header);
        if (content != null) {
            content.transferTo(cpio);
        }
        cpio.closeArchiveEntry();
    }

    /** Counts bytes on their way to the file, so the size needs no second pass. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
