package dev.unifarm.api.sse;

import java.io.IOException;
import java.io.OutputStream;

/** Turns a byte stream of text lines into one {@code data} event per line (the console as events). */
public final class SseLineStream extends LineStream {

    private final SseWriter events;

    public SseLineStream(OutputStream out) {
        super(out);
        this.events = new SseWriter(out);
    }

    /** Sends a last unterminated line, then an {@code end} event so clients do not reconnect. */
    public void finish(String endData) throws IOException {
        emitRest();
        events.event("end", endData);
    }

    @Override
    protected void emit(String text) throws IOException {
        events.event(null, text.replace("\r", "")); // an event's data must not hold a carriage return
    }
}
