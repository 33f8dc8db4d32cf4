package dev.unifarm.scheduler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows the raw serial console file QEMU writes itself ({@code -chardev file}), so the console
 * does not depend on a pipe to the farm process and a new farm process can pick it up again. Lines
 * are split as {@link java.io.BufferedReader#readLine()} splits them ({@code \n}, {@code \r} or
 * {@code \r\n}; the bytes are ASCII there, so UTF-8 sequences are never cut), and each raw line is
 * handed on as it is complete. Polls the file: one small read per interval, nothing buffered beyond
 * the current partial line.
 */
final class ConsoleTail {

    static final long POLL_MILLIS = 25;
    /** A line longer than this is handed on in pieces, so a guest cannot exhaust the heap with one line. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final Path file;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[64 * 1024];
    private long position;
    private boolean skipLf;

    ConsoleTail(Path file, long from, Consumer<String> lines) {
        this.file = file;
        this.position = from;
        this.lines = lines;
    }

    long position() {
        return position;
    }

    /**
     * Hands on every line until {@code ended} is true and the file is read to its end (the last,
     * unterminated line included), polling in between.
     */
    void follow(BooleanSupplier ended) throws InterruptedException {
        while (true) {
            boolean endedBeforeRead = ended.getAsBoolean();
            readAvailable();
            if (endedBeforeRead) {
                flushPartial();
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Reads what the file holds past the current position; returns whether anything was read. */
    boolean readAvailable() {
        if (!Files.exists(file)) {
            return false;
        }
        boolean any = false;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            if (in.length() < position) {
                position = 0; // truncated: a new QEMU writes it from the start
            }
            in.seek(position);
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                position += n;
                any = true;
                split(n);
            }
        } catch (IOException e) {
            // the file may be gone with its instance dir; nothing more to follow
        }
        return any;
    }

    private void split(int n) {
        for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n' && skipLf) {
                skipLf = false;
                continue;
            }
            skipLf = false;
            if (b == '\n' || b == '\r') {
                skipLf = b == '\r';
                emit();
            } else {
                partial.write(b);
                if (partial.size() >= MAX_LINE_BYTES) {
                    emit();
                }
            }
        }
    }

    /** At the end: an unterminated last line counts, as it does for {@code readLine}. */
    void flushPartial() {
        if (partial.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        lines.accept(line);
    }
}
