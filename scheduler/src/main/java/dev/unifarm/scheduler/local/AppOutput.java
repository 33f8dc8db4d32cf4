package dev.unifarm.scheduler.local;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.ConsoleView;
import dev.unifarm.scheduler.console.CompatConsoleProtocol;
import dev.unifarm.scheduler.console.LinuxConsoleProtocol;
import dev.unifarm.scheduler.diagnosis.Diagnosis;
import dev.unifarm.scheduler.diagnosis.FailureDiagnoser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a run's console says of its app, line by line: the app's last lines (a kernel's log and the
 * syscall trace are not the app's, see {@link ConsoleView#appText}), its end line as the image's
 * profile detects it, and the evidence of the {@link FailureDiagnoser}, which sees every line (Linux's
 * OOM killer is a kernel line). One reading for a supervised run and for a console read after the
 * farm was down ({@link ConsoleEnd}).
 */
final class AppOutput {

    static final int KEPT_APP_LINES = 64;

    /** What a line was. */
    enum Seen {
        /** The app's end line: {@link #waitStatus()} holds it. */
        EXIT,
        /** App output: the app has started. */
        APP,
        /** A kernel's or the trace's line. */
        OTHER
    }

    private final KernelProfile.ExitDetection detection;
    private final CommandLineKind consoleKind;
    private final Deque<String> appLines = new ArrayDeque<>();
    private final FailureDiagnoser diagnoser = new FailureDiagnoser();
    private volatile String lastLine;
    private volatile boolean appStarted;
    private volatile Integer waitStatus;

    AppOutput(KernelProfile.ExitDetection detection, CommandLineKind consoleKind) {
        this.detection = detection;
        this.consoleKind = consoleKind;
    }

    Seen accept(String line) {
        lastLine = line;
        diagnoser.accept(line);
        OptionalInt exit = waitStatus(detection, line);
        if (exit.isPresent()) {
            waitStatus = exit.getAsInt();
            return Seen.EXIT;
        }
        List<String> app = ConsoleView.appText(line, consoleKind);
        if (app.isEmpty()) {
            return Seen.OTHER;
        }
        appStarted = true;
        app.forEach(appLines::addLast);
        while (appLines.size() > KEPT_APP_LINES) {
            appLines.removeFirst();
        }
        return Seen.APP;
    }

    /**
     * The app's wait status if {@code line} reports its end, as the image's profile detects it:
     * {@code linux-panic} reads Linux's init-exit panic; {@code none} (app-elfloader, whose VM keeps
     * running after the app exits and whose strace shows no {@code exit_group}) reads nothing, so the
     * instance stays {@code Running} until it is stopped, or ends {@code Failed} if QEMU exits;
     * {@code unifarm-compat} reads the compatibility layer's end line ({@link CompatConsoleProtocol}).
     */
    static OptionalInt waitStatus(KernelProfile.ExitDetection detection, String line) {
        return switch (detection) {
            case LINUX_PANIC -> LinuxConsoleProtocol.waitStatus(line);
            case UNIFARM_COMPAT -> CompatConsoleProtocol.waitStatus(line);
            case NONE -> OptionalInt.empty();
        };
    }

    /** The app's end as a wait status, or null while the console has not shown it. */
    Integer waitStatus() {
        return waitStatus;
    }

    boolean appStarted() {
        return appStarted;
    }

    /** The last console line of any kind, or null before the first. */
    String lastLine() {
        return lastLine;
    }

    /** The app's last lines, oldest first (a copy). */
    List<String> appLines() {
        return new ArrayList<>(appLines);
    }

    Optional<Diagnosis> diagnosis() {
        return diagnoser.diagnosis();
    }
}
