package dev.unifarm.scheduler.coverage;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code name(args) = result} line, the part both tracers share: Unikraft's shim
 * ({@code openat(AT_FDCWD, "/x", O_RDONLY) = fd:3}, {@code = Function not implemented (-38)}) and
 * Linux {@code strace} ({@code = 3}, {@code = -1 ENOSYS (Function not implemented)}). Prefixes such
 * as strace's {@code [pid N] } are the caller's to strip.
 *
 * @param name the syscall name as printed
 * @param args the argument text between the outer parentheses, possibly cut with {@code ...}
 * @param result the text after {@code " = "}, trimmed
 */
public record StraceLine(String name, String args, String result) {

    // Greedy args: the last ") = " on the line closes the call, since string arguments may hold ") = ".
    private static final Pattern LINE = Pattern.compile("([a-z_][a-z0-9_]*)\\((.*)\\) += +(\\S.*?)\\s*");
    /** Unikraft's shim error form: {@code <strerror> (-<errno>)}. */
    private static final Pattern SHIM_ERROR = Pattern.compile(".*\\(-(\\d+)\\)");
    /** Linux strace's error form: {@code -1 E<NAME> (<strerror>)}. */
    private static final Pattern LINUX_ERROR = Pattern.compile("-1 (E[A-Z0-9]+)\\b.*");
    static final int ENOSYS = 38;

    public StraceLine {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(result, "result");
    }

    /** The line if all of {@code text} is one call with its result; empty otherwise (never throws). */
    public static Optional<StraceLine> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = LINE.matcher(text);
        return m.matches() ? Optional.of(new StraceLine(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    /** {@code enosys} for errno 38 / {@code ENOSYS}, {@code error} for any other errno, else {@code ok}. */
    public SyscallOutcome outcome() {
        Matcher shim = SHIM_ERROR.matcher(result);
        if (shim.matches()) {
            return shim.group(1).equals(String.valueOf(ENOSYS)) ? SyscallOutcome.enosys : SyscallOutcome.error;
        }
        Matcher linux = LINUX_ERROR.matcher(result);
        if (linux.matches()) {
            return linux.group(1).equals("ENOSYS") ? SyscallOutcome.enosys : SyscallOutcome.error;
        }
        return SyscallOutcome.ok;
    }

    /** Whether the argument list was cut by the tracer ({@code ...} in place of the rest). */
    public boolean truncated() {
        return args.endsWith("...") || args.contains("\"...");
    }

    public SyscallCall toCall() {
        return new SyscallCall(name, outcome(), result);
    }
}
