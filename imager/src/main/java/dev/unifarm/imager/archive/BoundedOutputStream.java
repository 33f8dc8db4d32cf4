package dev.unifarm.imager.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Stops a decompression bomb: fails as soon as more than {@code limit} bytes are written. */
public final class BoundedOutputStream extends FilterOutputStream {

    /** Thrown when the limit is crossed; an IOException so it unwinds transferTo cleanly. */
    public static final class LimitExceeded extends IOException {
        LimitExceeded() {
            super("size limit exceeded");
        }
    }

    private long remaining;

    public BoundedOutputStream(OutputStream out, long limit) {
        super(out);
        this.remaining = limit;
    }

    @Override
    public void write(int b) throws IOException {
        take(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        take(len);
        out.write(b, off, len);
    }

    private void take(long n) throws LimitExceeded {
        remaining -= n;
        if (remaining < 0) {
            throw new LimitExceeded();
        }
    }
}
