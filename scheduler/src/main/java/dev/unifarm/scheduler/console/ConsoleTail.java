package dev.unifarm.scheduler.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows the raw serial console file QEMU writes itself ({@code -chardev file}), so the console
 * does not depend on a pipe to the farm process and a new farm process can pick it up again. Lines
 * are split as {@link java.io.BufferedReader#readLine()} splits them ({@code \n}, {@code \r} or
 * {@code \r\n}; the bytes are ASCII there, so UTF-8 sequences are never cut), and each raw line is
 * handed on as it is complete. Reads when the directory changes ({@link FileWatch}: inotify, so a line
 * is seen as QEMU writes it), else every {@link #POLL_MILLIS}; nothing is buffered beyond the current
 * partial line.
 *
 * <p>Size cap (copy-truncate): QEMU writes the file with {@code append=on}, so once the tail has read
 * past {@code capBytes} it copies what it read to {@code <file>.1} (replacing the previous copy) and
 * truncates the file; QEMU's next write lands at offset 0. The file and its copy stay about the cap each
 * while the lines all reach the consumer. Accepted race: bytes QEMU writes between the tail's last read
 * and the truncate (microseconds, as the guest's UART writes) are lost. An adoption replays
 * {@code <file>.1} before the file ({@link #replayOlder()}), so it sees the last one to two caps' worth.
 */
public final class ConsoleTail {

    /** Fallback when no change is signalled (no inotify, or an event lost to an overflow). */
    static final long POLL_MILLIS = 100;
    /** The rotated copy's suffix: {@code console.raw.1}. */
    static final String OLDER_SUFFIX = ".1";
    /** A line longer than this is handed on in pieces, so a guest cannot exhaust the heap with one line. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final Path file;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[64 * 1024];
    private final long capBytes;
    private long position;
    private boolean skipLf;

    public ConsoleTail(Path file, long from, Consumer<String> lines) {
        this(file, from, lines, 0);
    }

    /** {@code capBytes} > 0: copy-truncate the file once that much is read (see the class comment). */
    public ConsoleTail(Path file, long from, Consumer<String> lines, long capBytes) {
        this.file = file;
        this.position = from;
        this.lines = lines;
        this.capBytes = capBytes;
    }

    public static Path older(Path file) {
        return file.resolveSibling(file.getFileName() + OLDER_SUFFIX);
    }

    long position() {
        return position;
    }

    /**
     * Hands on every line until {@code ended} is true and the file is read to its end (the last,
     * unterminated line included), polling in between.
     */
    public void follow(BooleanSupplier ended) throws InterruptedException {
        try (FileWatch.Signal changed = FileWatch.watch(file.getParent())) {
            while (true) {
                boolean endedBeforeRead = ended.getAsBoolean();
                readAvailable();
                if (endedBeforeRead) {
                    flushPartial();
                    return;
                }
                changed.await(POLL_MILLIS);
            }
        }
    }

    /** Hands on the lines of the rotated copy, if any: call once, before following the file from 0. */
    public void replayOlder() {
        try (FileChannel in = FileChannel.open(older(file), StandardOpenOption.READ)) {
            for (int n = in.read(ByteBuffer.wrap(buffer)); n > 0; n = in.read(ByteBuffer.wrap(buffer))) {
                split(n);
            }
        } catch (NoSuchFileException e) {
            // never rotated
        } catch (IOException e) {
            // unreadable copy: the current file still holds the latest lines
        }
    }

    /** Reads what the file holds past the current position; returns whether anything was read. */
    public boolean readAvailable() {
        if (!Files.exists(file)) {
            return false;
        }
        boolean any = false;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (in.size() < position) {
                position = 0; // truncated: a new QEMU writes it from the start
            }
            any = readToEnd(in, null);
            if (capBytes > 0 && position >= capBytes) {
                rotate();
            }
        } catch (IOException e) {
            // the file may be gone with its instance dir; nothing more to follow
        }
        return any;
    }

    /** Reads and splits from the position to the end; copies the bytes to {@code copy} too when given. */
    private boolean readToEnd(FileChannel in, FileChannel copy) throws IOException {
        boolean any = false;
        for (int n = in.read(ByteBuffer.wrap(buffer), position); n > 0; n = in.read(ByteBuffer.wrap(buffer), position)) {
            position += n;
            any = true;
            if (copy != null) {
                copy.write(ByteBuffer.wrap(buffer, 0, n));
            }
            split(n);
        }
        return any;
    }

    /**
     * Copy-truncate: everything read so far, plus what QEMU appended meanwhile, goes to a temp file,
     * the file is truncated right after the last read, and the temp file replaces {@code <file>.1}.
     */
    private void rotate() throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".rotating");
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel copy = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < position; ) {
                done += in.transferTo(done, position - done, copy);
            }
            readToEnd(in, copy);
            in.truncate(0); // the race window: bytes written since readToEnd returned are lost
        }
        position = 0;
        Files.move(temp, older(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
    public void flushPartial() {
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
