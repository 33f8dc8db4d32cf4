package dev.unifarm.api.instances;

import dev.unifarm.api.sse.LineStream;
import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.scheduler.ConsoleView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes on only the app's text of a followed console ({@code ?follow=true&view=app}), line by line as
 * {@link ConsoleView#appText} tells it, and ends with one plain line saying how the instance ended: on
 * {@code linux} the full console ends in the kernel's init-exit panic, which reads like a crash.
 */
final class AppConsoleStream extends LineStream {

    private final CommandLineKind kind;

    AppConsoleStream(OutputStream out, CommandLineKind kind) {
        super(out);
        this.kind = kind;
    }

    /** Passes on a last unterminated line, then {@code endLine}. */
    void finish(String endLine) throws IOException {
        emitRest();
        out.write((endLine + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    protected void emit(String text) throws IOException {
        for (String appText : ConsoleView.appText(text, kind)) {
            out.write((appText + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
