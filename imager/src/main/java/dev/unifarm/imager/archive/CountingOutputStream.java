package dev.unifarm.imager.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes on to {@code out}, telling {@link #count} how many first so that it can stop the write. */
abstract class CountingOutputStream extends FilterOutputStream {

    CountingOutputStream(OutputStream out) {
        super(out);
    }

    /** Called before {@code n} bytes are written; throws to refuse them. */
    abstract void count(int n) throws IOException;

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
    }
}
