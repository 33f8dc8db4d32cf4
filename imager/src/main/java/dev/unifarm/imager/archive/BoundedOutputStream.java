package dev.unifarm.imager.archive;

import java.io.IOException;
import java.io.OutputStream;

/** Stops a decompression bomb: fails as soon as more than {@code limit} bytes are written. */
public final class BoundedOutputStream extends CountingOutputStream {

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
    void count(int n) throws LimitExceeded {
        remaining -= n;
        if (remaining < 0) {
            throw new LimitExceeded();
        }
    }
}
