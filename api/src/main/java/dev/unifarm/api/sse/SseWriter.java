package dev.unifarm.api.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code text/event-stream} events (WHATWG HTML, server-sent events) and flushes each one, so
 * every event leaves as its own HTTP chunk.
 */
public final class SseWriter {

    public static final String MEDIA_TYPE = "text/event-stream";

    private final OutputStream out;

    public SseWriter(OutputStream out) {
        this.out = out;
    }

    /** One event; a multi-line {@code data} becomes several {@code data:} fields, as the format requires. */
    public void event(String name, String data) throws IOException {
        StringBuilder frame = new StringBuilder();
        if (name != null) {
            frame.append("event: ").append(name).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        frame.append('\n');
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
