package dev.unifarm.scheduler.coverage;

import dev.unifarm.imager.model.LinuxSyscalls;
import dev.unifarm.scheduler.console.ConsoleCleaner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a Unikraft console (with {@code CONFIG_LIBSYSCALL_SHIM_STRACE} and/or the shim's debug
 * messages) into syscalls and the rest (docs/coverage.md, "Syscall coverage"). Feed raw chunks
 * with {@link #accept} (lines may arrive in pieces and end {@code \r\n}) or whole lines with
 * {@link #acceptLine}, then {@link #finish}. Never throws on garbage: what is not recognised is app
 * output.
 *
 * <p>Line forms:
 * <ul>
 * <li>strace lines {@code name(args) = result} ({@link StraceLine}), the name a Linux syscall; the
 *     shim prints them after the call returns, in one piece, so the only interleaving is app output
 *     without a newline just before one ({@code HRESULT: 0x80004005write(fd:2, …) = 49}): that text
 *     is split off as an app-output line;
 * <li>a line that starts as a trace call but has no {@code = result} (the printer ends a line that
 *     overflows its buffer with {@code ...} in place of the rest, or other output broke it): recorded in {@link ShimTrace#cutCalls()}, its rest is not
 *     reassembled with later lines — guessing which later fragment belongs to it would invent calls;
 * <li>{@code syscall "x" is not available}, {@code System call "x" is not available (-ENOSYS)}: enosys;
 * <li>{@code x() stubbed} ({@code UK_WARN_STUBBED}), {@code STUB: x}: stubbed when {@code x} (less a
 *     {@code uk_syscall_r_} prefix) is a Linux syscall, else an internal stub.
 * </ul>
 * A debug marker and the strace line of the same call both describe one call: the marker is
 * recorded at once and merged into the next strace line of that name (its outcome the worse one).
 */
public final class ShimTraceParser {

    private static final Pattern NOT_AVAILABLE = Pattern.compile("(?:[Ss]yscall|System call) \"([A-Za-z0-9_]+)\" is not available");
    private static final Pattern STUBBED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\(\\) stubbed");
    private static final Pattern STUB = Pattern.compile("STUB: *([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern UK_PREFIX = Pattern.compile("^_*uk_syscall_(?:[re]_)?");
    /** Kernel log levels (uk_pr_*), the boot banner, firmware and QEMU's own messages. */
    private static final Pattern KERNEL_LINE = Pattern.compile(
            "^(?:(?:Info|dbg|Warn|ERR|Err|CRIT|Crit)\\s*:|Powered by Unikraft|SeaBIOS|Booting from ROM|qemu-system-)");
    private static final Pattern CALL_START = Pattern.compile("^([a-z_][a-z0-9_]*)\\(");

    private final StringBuilder partial = new StringBuilder();
    private final List<SyscallCall> calls = new ArrayList<>();
    private final List<String> appOutput = new ArrayList<>();
    private final List<String> kernelLog = new ArrayList<>();
    private final List<String> internalStubs = new ArrayList<>();
    private final List<String> cutCalls = new ArrayList<>();
    private final List<String> traceLines = new ArrayList<>();
    /** Index in {@link #calls} of a debug marker not yet merged with its strace line, by name. */
    private final Map<String, Integer> pendingMarkers = new HashMap<>();

    /** Parses a whole console text at once. */
    public static ShimTrace parse(CharSequence text) {
        ShimTraceParser parser = new ShimTraceParser();
        parser.accept(text);
        return parser.finish();
    }

    /** Raw console bytes as text, in any chunking: complete lines are parsed, the rest waits. */
    public void accept(CharSequence chunk) {
        if (chunk == null) {
            return;
        }
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (c == '\n') {
                acceptLine(partial.toString());
                partial.setLength(0);
            } else {
                partial.append(c);
            }
        }
    }

    /** The result so far, after parsing a last line that had no newline. */
    public ShimTrace finish() {
        if (!partial.isEmpty()) {
            acceptLine(partial.toString());
            partial.setLength(0);
        }
        return new ShimTrace(calls, appOutput, kernelLog, internalStubs, cutCalls, traceLines);
    }

    /** One console line (a trailing {@code \r}, terminal escapes and control bytes are dropped). */
    public void acceptLine(String raw) {
        if (raw == null) {
            return;
        }
        for (String line : ConsoleCleaner.lines(raw)) {
            classify(line);
        }
    }

    private void classify(String line) {
        Optional<StraceLine> whole = StraceLine.parse(line).filter(t -> LinuxSyscalls.isSyscall(t.name()));
        if (whole.isPresent()) {
            traceLines.add(line);
            trace(whole.get());
            return;
        }
        if (debugMarker(line) || KERNEL_LINE.matcher(line).lookingAt()) {
            kernelLog.add(line);
            return;
        }
        if (gluedTrace(line)) {
            return;
        }
        Matcher start = CALL_START.matcher(line);
        if (start.lookingAt() && LinuxSyscalls.isSyscall(start.group(1)) && !line.contains(") = ")) {
            cutCalls.add(start.group(1));
            traceLines.add(line);
            return;
        }
        appOutput.add(line);
    }

    /** App text without a newline followed by a whole trace line: split at the syscall name. */
    private boolean gluedTrace(String line) {
        if (!line.contains(") = ")) {
            return false;
        }
        for (int paren = line.indexOf('('); paren > 0; paren = line.indexOf('(', paren + 1)) {
            int start = paren;
            while (start > 0 && isNameChar(line.charAt(start - 1))) {
                start--;
            }
            // The longest Linux name ending at this '(' ("…0x80004005write(" → "write"): app text rarely ends in one.
            for (int s = start; s < paren; s++) {
                String name = line.substring(s, paren);
                if (!Character.isDigit(name.charAt(0)) && LinuxSyscalls.isSyscall(name)) {
                    Optional<StraceLine> trace = StraceLine.parse(line.substring(s));
                    if (trace.isPresent()) {
                        appOutput.add(line.substring(0, s));
                        traceLines.add(line.substring(s));
                        trace(trace.get());
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    private void trace(StraceLine line) {
        SyscallCall call = line.toCall();
        Integer marker = pendingMarkers.remove(call.name());
        if (marker == null) {
            calls.add(call);
            return;
        }
        SyscallOutcome markerOutcome = calls.get(marker).outcome();
        SyscallOutcome outcome = call.outcome() == SyscallOutcome.ok ? markerOutcome : call.outcome();
        calls.set(marker, new SyscallCall(call.name(), outcome, call.result()));
    }

    private boolean debugMarker(String line) {
        Matcher m = NOT_AVAILABLE.matcher(line);
        if (m.find()) {
            marker(m.group(1), SyscallOutcome.enosys, m.group());
            return true;
        }
        m = STUBBED.matcher(line);
        if (!m.find()) {
            m = STUB.matcher(line);
            if (!m.find()) {
                return false;
            }
        }
        String name = UK_PREFIX.matcher(m.group(1)).replaceFirst("");
        if (LinuxSyscalls.isSyscall(name)) {
            marker(name, SyscallOutcome.stubbed, m.group());
        } else {
            internalStubs.add(m.group(1));
        }
        return true;
    }

    private void marker(String name, SyscallOutcome outcome, String text) {
        calls.add(new SyscallCall(name, outcome, text));
        pendingMarkers.put(name, calls.size() - 1);
    }
}
