package dev.unifarm.api.instances;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.scheduler.ConsoleView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes on only the app's text of a followed console ({@code ?follow=true&view=app}), line by line as
 * {@link ConsoleView#appText} tells it, and ends with one plain line saying how the instance ended: on
 * {@code linux} the full console ends in the kernel's init-exit panic, which reads like a crash.
 */
final class AppConsoleStream extends OutputStream {

    private final OutputStream out;
    private final CommandLineKind kind;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    AppConsoleStream(OutputStream out, CommandLineKind kind) {
        this.out = out;
        this.kind = kind;
    }

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

    /** Passes on a last unterminated line, then {@code endLine}. */
    void finish(String endLine) throws IOException {
        if (line.size() > 0) {
            emitLine();
        }
        out.write((endLine + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void emitLine() throws IOException {
        for (String text : ConsoleView.appText(line.toString(StandardCharsets.UTF_8), kind)) {
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        }
        line.reset();
    }
}
