package dev.unifarm.api.instances;

import dev.unifarm.scheduler.ConsoleFileStream;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A console file streamed as it grows ({@code ?follow=true}) as a response body: {@link ConsoleFileStream}. */
final class ConsoleFollower implements StreamingOutput {

    private final ConsoleFileStream console;

    ConsoleFollower(Path file, BooleanSupplier ended, Duration limit) {
        this.console = new ConsoleFileStream(file, ended, limit);
    }

    @Override
    public void write(OutputStream out) throws IOException {
        console.writeTo(out);
    }
}
