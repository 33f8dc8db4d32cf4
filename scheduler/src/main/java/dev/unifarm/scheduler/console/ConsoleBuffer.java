package dev.unifarm.scheduler.console;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * An instance's console: the last lines in memory (bounded by characters) and everything up to a
 * size cap in a file, so a chatty app can neither exhaust the heap nor fill the disk.
 */
public final class ConsoleBuffer implements AutoCloseable {

    static final String TRUNCATED = "[console file reached its size cap; later lines are only kept in memory]";
    /** An instance's console file, in its instance dir. */
    static final String CONSOLE_FILE = "console.log";
    static final int CONSOLE_CHARS = 256 * 1024;
    static final long CONSOLE_FILE_BYTES = 8L * 1024 * 1024;

    private final int maxChars;
    private final long maxFileBytes;
    private final Deque<String> lines = new ArrayDeque<>();
    private final OutputStream file;
    private int chars;
    private long fileBytes;
    private boolean fileFull;

    /** The console of the instance in {@code instanceDir}, appending to its {@code console.log}. */
    public static ConsoleBuffer inInstanceDir(Path instanceDir) {
        return new ConsoleBuffer(instanceDir.resolve(CONSOLE_FILE), CONSOLE_CHARS, CONSOLE_FILE_BYTES);
    }

    /**
     * {@link #inInstanceDir} started afresh: {@code console.log} is rebuilt from the raw console QEMU
     * wrote itself (an adoption, or an end read while the farm was down).
     */
    public static ConsoleBuffer rebuiltInInstanceDir(Path instanceDir, String id) {
        try {
            Files.deleteIfExists(instanceDir.resolve(CONSOLE_FILE));
        } catch (IOException e) {
            Logger.getLogger(ConsoleBuffer.class).warnf("cannot reset the console file of %s: %s", id, e.getMessage());
        }
        return inInstanceDir(instanceDir);
    }

    public ConsoleBuffer(Path file, int maxChars, long maxFileBytes) {
        this.maxChars = maxChars;
        this.maxFileBytes = maxFileBytes;
        try {
            this.file = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void append(String line) {
        lines.addLast(line);
        chars += line.length() + 1;
        while (chars > maxChars && lines.size() > 1) {
            chars -= lines.removeFirst().length() + 1;
        }
        writeToFile(line);
    }

    /** The lines still in memory, oldest first. */
    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    public String text() {
        List<String> snapshot = lines();
        return snapshot.isEmpty() ? "" : String.join("\n", snapshot) + "\n";
    }

    private void writeToFile(String line) {
        if (fileFull) {
            return;
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (fileBytes + bytes.length > maxFileBytes) {
                file.write((TRUNCATED + "\n").getBytes(StandardCharsets.UTF_8));
                fileFull = true;
            } else {
                file.write(bytes);
                fileBytes += bytes.length;
            }
            file.flush();
        } catch (IOException e) {
            fileFull = true; // the in-memory copy still serves the console API
        }
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing left to save
        }
    }
}
