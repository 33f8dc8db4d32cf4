package dev.unifarm.imager.archive;

import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongSupplier;

/**
 * Stops decompression bombs: caps the total unpacked size, and refuses data that unpacks to more
 * than {@value #MAX_RATIO} times its compressed size once it is over {@value #RATIO_FLOOR} bytes.
 * Real {@code dotnet publish} output (IL assemblies, ELF libraries, JSON) compresses 2–5 times; a
 * bomb compresses hundreds of times (and is called a bomb even when it is also over the size cap).
 * Sizes an archive declares are checked up front, and what is actually unpacked is counted again,
 * so a lying header gains nothing.
 */
final class ZipBombGuard {

    static final int MAX_RATIO = 100;
    static final long RATIO_FLOOR = 1L << 20;

    private final long maxBytes;
    private long declared;
    private long unpacked;

    ZipBombGuard(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A zip entry's sizes from the central directory, before anything is unpacked. */
    void declare(String name, long size, long compressedSize) {
        if (size < 0) {
            return; // unknown: counted while unpacking
        }
        declared += size;
        checkRatio(name, size, Math.max(compressedSize, 0));
        checkTotal(declared);
    }

    /** An entry about to be unpacked from a stream (tar): refuses it up front if it cannot fit. */
    void expect(long size) {
        checkTotal(unpacked + Math.max(size, 0));
    }

    /** Wraps the file an entry is unpacked into: counts against the total and the entry's ratio. */
    OutputStream entry(OutputStream out, String name, long declaredSize, long compressedSize) {
        return new CountingOutputStream(out) {
            private long written;

            @Override
            void count(int n) {
                written += n;
                unpacked += n;
                if (declaredSize >= 0 && written > declaredSize) {
                    throw new ImagerException(ErrorKinds.CORRUPT, "the bundle entry " + name
                            + " unpacks to more bytes than the archive says (" + declaredSize + "): the archive is damaged");
                }
                checkRatio(name, written, Math.max(compressedSize, 0));
                checkTotal(unpacked);
            }
        };
    }

    /**
     * Wraps a whole decompressed stream (tar.gz): {@code compressedRead} says how many compressed
     * bytes have been consumed so far.
     */
    InputStream stream(InputStream decompressed, String what, LongSupplier compressedRead) {
        return new FilterInputStream(decompressed) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                count(skipped);
                return skipped;
            }

            private void count(long n) {
                unpacked += n;
                checkRatio(what, unpacked, compressedRead.getAsLong());
                checkTotal(unpacked);
            }
        };
    }

    private void checkTotal(long total) {
        if (total > maxBytes) {
            throw new ImagerException(ErrorKinds.TOO_LARGE, "the bundle unpacks to more than " + maxBytes
                    + " bytes: upload only the dotnet publish output");
        }
    }

    private static void checkRatio(String name, long size, long compressedSize) {
        if (size > RATIO_FLOOR && size > MAX_RATIO * Math.max(compressedSize, 1)) {
            throw new ImagerException(ErrorKinds.BOMB, name + " unpacks to " + size + " bytes from " + compressedSize
                    + " compressed bytes, more than " + MAX_RATIO + " times: that is a decompression bomb, not dotnet publish output");
        }
    }
}
