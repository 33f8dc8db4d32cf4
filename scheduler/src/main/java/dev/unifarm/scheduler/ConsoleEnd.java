package dev.unifarm.scheduler;

import dev.unifarm.scheduler.diagnosis.FailureDiagnoser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jboss.logging.Logger;

/**
 * The end of a guest that finished while no farm process followed it: its QEMU is gone, but the raw
 * console QEMU wrote itself holds the app's output and, when the app ended, its exit line. Read the
 * way a supervised run reads it ({@link QemuInstance#waitStatus}, {@link FailureDiagnoser}, the app's
 * lines) and classified by the same rule ({@link AppEnd}); {@code console.log} is rebuilt from it, as
 * an adoption does, so it shows what the guest printed while the farm was down.
 */
final class ConsoleEnd {

    private static final Logger LOG = Logger.getLogger(ConsoleEnd.class);

    private ConsoleEnd() {
    }

    /** The recorded status ended as the console says, finished when the console was last written; empty without an exit line. */
    static Optional<InstanceStatus> read(AdoptRequest request) {
        Path dir = request.instanceDir();
        Path raw = dir.resolve(QemuCommand.CONSOLE_RAW);
        if (!Files.isRegularFile(raw)) {
            return Optional.empty();
        }
        FailureDiagnoser diagnoser = new FailureDiagnoser();
        Deque<String> appLines = new ArrayDeque<>();
        OptionalInt[] exit = {OptionalInt.empty()};
        try {
            Files.deleteIfExists(dir.resolve(QemuInstance.CONSOLE_FILE));
        } catch (IOException e) {
            LOG.warnf("cannot reset the console file of %s: %s", request.instanceId(), e.getMessage());
        }
        try (ConsoleBuffer console = new ConsoleBuffer(dir.resolve(QemuInstance.CONSOLE_FILE), QemuInstance.CONSOLE_CHARS,
                QemuInstance.CONSOLE_FILE_BYTES)) {
            ConsoleTail tail = new ConsoleTail(raw, 0, chunk -> ConsoleCleaner.lines(chunk).forEach(line -> {
                console.append(line);
                diagnoser.accept(line);
                OptionalInt status = QemuInstance.waitStatus(request.exitDetection(), line);
                if (status.isPresent()) {
                    exit[0] = status;
                    return;
                }
                appLines.addAll(ConsoleView.appText(line, request.consoleKind()));
                while (appLines.size() > QemuInstance.KEPT_APP_LINES) {
                    appLines.removeFirst();
                }
            }));
            tail.replayOlder();
            tail.readAvailable();
            tail.flushPartial();
        }
        if (exit[0].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(AppEnd.of(request.recorded(), exit[0].getAsInt(), diagnoser.diagnosis(), new ArrayList<>(appLines),
                lastWritten(raw)));
    }

    private static Instant lastWritten(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    /** The message of an end read this way: what happened, then how the app ended. */
    static String why(InstanceStatus end) {
        return "its guest ended while the farm was down (the console says: " + end.state() + ", " + end.message() + ")";
    }
}
