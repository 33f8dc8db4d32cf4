package dev.unifarm.api.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Cuts a byte stream of text into lines and hands each to {@link #emit}; what it writes goes to {@code out}. */
public abstract class LineStream extends OutputStream {

    protected final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    protected LineStream(OutputStream out) {
        this.out = out;
    }

    /** Writes one line, without its {@code \n}, to {@code out}. */
    protected abstract void emit(String text) throws IOException;

    @Override
    public void write(int b) throws IOException {
        if (b == '\n') {
            emitLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Emits a last unterminated line, if any. */
    protected void emitRest() throws IOException {
        if (line.size() > 0) {
            emitLine();
        }
    }

    private void emitLine() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        emit(text);
    }
}
