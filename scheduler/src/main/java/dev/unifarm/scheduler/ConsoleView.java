package dev.unifarm.scheduler;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.scheduler.console.LinuxConsoleProtocol;
import dev.unifarm.scheduler.coverage.ShimTrace;
import dev.unifarm.scheduler.coverage.ShimTraceParser;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A part of an instance's console (the console API's {@code ?view=}). On a Unikraft kernel the
 * console mixes the syscall shim's trace with the app's output and the kernel's log, split by
 * {@link ShimTraceParser}; on Linux there is no trace, and kernel lines are told from the app's by
 * {@link LinuxConsoleProtocol} (timestamped kernel messages, firmware banners).
 */
public enum ConsoleView {
    /** Every console line, as written. */
    ALL,
    /** What the app printed. */
    APP,
    /** The syscall trace lines (Unikraft); none on Linux. */
    TRACE,
    /** The kernel's log, firmware and QEMU lines. */
    KERNEL;

    /** The view named {@code text} (case-insensitive), or empty. */
    public static Optional<ConsoleView> parse(String text) {
        return Arrays.stream(values()).filter(v -> v.name().equalsIgnoreCase(text)).findFirst();
    }

    /** The names as the API takes them: {@code all, app, trace, kernel}. */
    public static List<String> names() {
        return Arrays.stream(values()).map(ConsoleView::apiName).toList();
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The app's own text in one cleaned console line, as {@link #APP} shows it (blank text dropped):
     * what tells the scheduler that the app started. The split needs nothing from other lines: a
     * kernel line, a trace line or app text glued to one is told by the line alone.
     */
    public static List<String> appText(String line, CommandLineKind kind) {
        return APP.select(List.of(line), kind).stream().filter(text -> !text.isBlank()).toList();
    }

    /** This view of cleaned console lines of an instance whose kernel speaks {@code kind}. */
    public List<String> select(List<String> lines, CommandLineKind kind) {
        if (this == ALL) {
            return lines;
        }
        if (kind == CommandLineKind.UNIKRAFT) {
            ShimTraceParser parser = new ShimTraceParser();
            lines.forEach(parser::acceptLine);
            ShimTrace trace = parser.finish();
            return switch (this) {
                case APP -> trace.appOutput();
                case TRACE -> trace.traceLines();
                default -> trace.kernelLog();
            };
        }
        return switch (this) {
            case APP -> lines.stream().filter(LinuxConsoleProtocol::isAppOutput).toList();
            case TRACE -> List.of();
            default -> lines.stream().filter(line -> !line.isBlank() && !LinuxConsoleProtocol.isAppOutput(line)).toList();
        };
    }
}
