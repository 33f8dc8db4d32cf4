package dev.unifarm.imager.initrd;

import dev.unifarm.imager.archive.KeepOpenOutputStream;
import dev.unifarm.imager.rootfs.RootfsEntry;
import dev.unifarm.imager.rootfs.RootfsTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes {@link RootfsTree}s as cpio {@code newc}, the initrd format both Linux and Unikraft read.
 * Reproducible: entries in tree order, uid/gid 0, one fixed mtime, inode numbers counted from a
 * given start. A tree can be written as a segment (no trailer) so that several segments, one of them
 * cached, make one archive: each newc entry is 4-byte aligned on its own, and segments are too.
 */
final class CpioWriter {

    /** Epoch + 1 s, as Jib does: some tools treat mtime 0 as "unset". */
    static final long FIXED_MTIME_SECONDS = 1;

    private CpioWriter() {
    }

    /** Writes the whole tree as one archive, trailer included. */
    static void write(RootfsTree tree, OutputStream target) throws IOException {
        writeLast(tree, target, 1);
    }

    /** Writes the tree's entries without a trailer; returns the next free inode number. */
    static long writeSegment(RootfsTree tree, OutputStream target, long firstInode) throws IOException {
        // Not closed on purpose: closing would write the trailer, which only the last segment has.
        CpioArchiveOutputStream cpio = open(target);
        long next = writeEntries(cpio, tree, firstInode);
        cpio.flush();
        return next;
    }

    /** Writes the tree's entries and the trailer that ends the archive. */
    static void writeLast(RootfsTree tree, OutputStream target, long firstInode) throws IOException {
        try (CpioArchiveOutputStream cpio = open(target)) {
            writeEntries(cpio, tree, firstInode);
            cpio.finish();
        }
    }

    private static CpioArchiveOutputStream open(OutputStream target) {
        return new CpioArchiveOutputStream(new KeepOpenOutputStream(target), CpioConstants.FORMAT_NEW, CpioConstants.BLOCK_SIZE,
                StandardCharsets.UTF_8.name());
    }

    private static long writeEntries(CpioArchiveOutputStream cpio, RootfsTree tree, long firstInode) throws IOException {
        long inode = firstInode;
        for (RootfsEntry entry : tree.entries()) {
            writeEntry(cpio, entry, inode++);
        }
        return inode;
    }

    private static void writeEntry(CpioArchiveOutputStream cpio, RootfsEntry entry, long inode) throws IOException {
        // newc names are relative to the extraction root: "app/x.dll", not "/app/x.dll".
        String name = entry.path().substring(1);
        if (entry instanceof RootfsEntry.Directory d) {
            put(cpio, header(name, CpioConstants.C_ISDIR | d.mode(), 0, 2, inode), null);
        } else if (entry instanceof RootfsEntry.CopiedFile f) {
            try (InputStream in = Files.newInputStream(f.source())) {
                put(cpio, header(name, CpioConstants.C_ISREG | f.mode(), Files.size(f.source()), 1, inode), in);
            }
        } else if (entry instanceof RootfsEntry.GeneratedFile g) {
            put(cpio, header(name, CpioConstants.C_ISREG | g.mode(), g.content().length, 1, inode),
                    new ByteArrayInputStream(g.content()));
        } else if (entry instanceof RootfsEntry.Symlink s) {
            byte[] target = s.target().getBytes(StandardCharsets.UTF_8);
            put(cpio, header(name, CpioConstants.C_ISLNK | s.mode(), target.length, 1, inode), new ByteArrayInputStream(target));
        } else if (entry instanceof RootfsEntry.CharDevice c) {
            CpioArchiveEntry header = header(name, CpioConstants.C_ISCHR | c.mode(), 0, 1, inode);
            header.setRemoteDeviceMaj(c.major());
            header.setRemoteDeviceMin(c.minor());
            put(cpio, header, null);
        }
    }

    private static CpioArchiveEntry header(String name, int mode, long size, int links, long inode) {
        CpioArchiveEntry header = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, size);
        header.setMode(mode);
        header.setUID(0);
        header.setGID(0);
        header.setTime(FIXED_MTIME_SECONDS);
        header.setNumberOfLinks(links);
        header.setInode(inode);
        return header;
    }

    private static void put(CpioArchiveOutputStream cpio, CpioArchiveEntry header, InputStream content) throws IOException {
        cpio.putArchiveEntry(header);
        if (content != null) {
            content.transferTo(cpio);
        }
        cpio.closeArchiveEntry();
    }
}
