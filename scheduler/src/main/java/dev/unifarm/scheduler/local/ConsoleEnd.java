package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.console.ConsoleBuffer;
import dev.unifarm.scheduler.console.ConsoleCleaner;
import dev.unifarm.scheduler.console.ConsoleTail;
import dev.unifarm.scheduler.local.containment.Jail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The end of a guest that finished while no farm process followed it: its QEMU is gone, but the raw
 * console QEMU wrote itself holds the app's output and, when the app ended, its exit line. Read the
 * way a supervised run reads it ({@link AppOutput}) and classified by the same rule ({@link AppEnd});
 * {@code console.log} is rebuilt from it, as an adoption does, so it shows what the guest printed
 * while the farm was down.
 */
final class ConsoleEnd {

    private ConsoleEnd() {
    }

    /** The recorded status ended as the console says, finished when the console was last written; empty without an exit line. */
    static Optional<InstanceStatus> read(AdoptRequest request) {
        Path dir = request.instanceDir();
        Path raw = dir.resolve(Jail.CONSOLE_RAW);
        if (!Files.isRegularFile(raw)) {
            return Optional.empty();
        }
        AppOutput output = new AppOutput(request.exitDetection(), request.consoleKind());
        try (ConsoleBuffer console = ConsoleBuffer.rebuiltInInstanceDir(dir, request.instanceId())) {
            ConsoleTail tail = new ConsoleTail(raw, 0, chunk -> ConsoleCleaner.lines(chunk).forEach(line -> {
                console.append(line);
                output.accept(line);
            }));
            tail.replayOlder();
            tail.readAvailable();
            tail.flushPartial();
        }
        if (output.waitStatus() == null) {
            return Optional.empty();
        }
        return Optional.of(AppEnd.of(request.recorded(), output.waitStatus(), output.diagnosis(), output.appLines(), lastWritten(raw)));
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
