package dev.unifarm.api.instances;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Streams a console file as it grows ({@code ?follow=true}) until the instance has ended and the
 * file is read to its end, or a time limit passes so no request is held forever.
 */
final class ConsoleFollower implements StreamingOutput {

    private static final long POLL_MILLIS = 200;

    private final Path file;
    private final BooleanSupplier ended;
    private final Duration limit;

    ConsoleFollower(Path file, BooleanSupplier ended, Duration limit) {
        this.file = file;
        this.ended = ended;
        this.limit = limit;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        long position = 0;
        byte[] buffer = new byte[64 * 1024];
        while (System.nanoTime() < deadline) {
            boolean endedBeforeRead = ended.getAsBoolean();
            position = copyNew(position, buffer, out);
            out.flush();
            if (endedBeforeRead) {
                return;
            }
            sleep();
        }
    }

    private long copyNew(long position, byte[] buffer, OutputStream out) throws IOException {
        if (!Files.exists(file)) {
            return position;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(position);
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                position += n;
            }
        }
        return position;
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
