package dev.unifarm.imager.initrd;

import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.rootfs.RootfsLayers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Writes an image's initrd: the base layer (copied from the cache in the kernel, or encoded here
 * when there is no cache), then the app layer and the trailer. Either way the bytes are the same.
 */
public final class InitrdWriter {

    /** The written initrd: digest, size, and whether the base layer came from the cache. */
    public record Written(String digest, long size, boolean baseCached) {
    }

    private InitrdWriter() {
    }

    public static Written write(RootfsLayers layers, Path target, BaseLayerCache cache) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            MessageDigest digest;
            boolean cached = false;
            if (cache != null) {
                BaseLayerCache.Segment base = cache.segment(layers.base());
                copy(base.file(), base.length(), out);
                digest = base.continueDigest();
                cached = base.hit();
            } else {
                digest = Digests.newSha256();
                CpioWriter.writeSegment(layers.base(), unclosable(out, digest), 1);
            }
            long nextInode = layers.base().entries().size() + 1L;
            CpioWriter.writeLast(layers.app(), unclosable(out, digest), nextInode);
            return new Written(Digests.format(digest), out.size(), cached);
        }
    }

    /** The digest and size the initrd of these layers has, without writing it (names a 9pfs tree). */
    public static Written measure(RootfsLayers layers) throws IOException {
        MessageDigest digest = Digests.newSha256();
        CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        try (OutputStream out = new BufferedOutputStream(counted, 1 << 16)) {
            long nextInode = CpioWriter.writeSegment(layers.base(), out, 1);
            CpioWriter.writeLast(layers.app(), out, nextInode);
        }
        return new Written(Digests.format(digest), counted.count, false);
    }

    /** Counts the bytes passing through. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }

    /** In-kernel copy (sendfile/copy_file_range): the cached layer never passes through the heap. */
    private static void copy(Path source, long length, FileChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long done = 0;
            while (done < length) {
                done += in.transferTo(done, length - done, out);
            }
        }
    }

    private static OutputStream unclosable(FileChannel out, MessageDigest digest) {
        return new BufferedOutputStream(new DigestOutputStream(Channels.newOutputStream(out), digest), 1 << 16) {
            @Override
            public void close() throws IOException {
                flush(); // the channel stays open for the next layer
            }
        };
    }
}
