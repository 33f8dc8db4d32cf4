package dev.unifarm.scheduler;

import dev.unifarm.scheduler.console.FileWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Streams an instance's console file as it grows ({@code ?follow=true}) until the instance has ended and
 * the file is read to its end, or a time limit passes so no request is held forever. Reads as soon as
 * the instance dir changes ({@link FileWatch}), so a line reaches the client when it is written;
 * whether the instance ended (a database read) is asked at most every {@link #POLL_MILLIS}.
 */
public final class ConsoleFileStream {

    /** Fallback read interval, and how often the end is checked. */
    private static final long POLL_MILLIS = 200;

    private final Path file;
    private final BooleanSupplier ended;
    private final Duration limit;

    public ConsoleFileStream(Path file, BooleanSupplier ended, Duration limit) {
        this.file = file;
        this.ended = ended;
        this.limit = limit;
    }

    /** Copies the file to {@code out} as it is written, flushing after each read, until the end or the limit. */
    public void writeTo(OutputStream out) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        long position = 0;
        long nextEndCheck = 0;
        byte[] buffer = new byte[64 * 1024];
        try (FileWatch.Signal changed = FileWatch.watch(file.getParent())) {
            while (System.nanoTime() < deadline) {
                // asked before the read, so the last read after the end sees everything
                boolean endedBeforeRead = false;
                if (System.nanoTime() >= nextEndCheck) {
                    endedBeforeRead = ended.getAsBoolean();
                    nextEndCheck = System.nanoTime() + POLL_MILLIS * 1_000_000;
                }
                position = copyNew(position, buffer, out);
                out.flush();
                if (endedBeforeRead) {
                    return;
                }
                await(changed);
            }
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

    private static void await(FileWatch.Signal changed) throws IOException {
        try {
            changed.await(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
