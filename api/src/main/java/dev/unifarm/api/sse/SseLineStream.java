package dev.unifarm.api.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Turns a byte stream of text lines into one {@code data} event per line (the console as events). */
public final class SseLineStream extends OutputStream {

    private final SseWriter events;
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public SseLineStream(OutputStream out) {
        this.out = out;
        this.events = new SseWriter(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n') {
            emitLine();
        } else if (b != '\r') {
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

    /** Sends a last unterminated line, then an {@code end} event so clients do not reconnect. */
    public void finish(String endData) throws IOException {
        if (line.size() > 0) {
            emitLine();
        }
        events.event("end", endData);
    }

    private void emitLine() throws IOException {
        events.event(null, line.toString(StandardCharsets.UTF_8));
        line.reset();
    }
}
