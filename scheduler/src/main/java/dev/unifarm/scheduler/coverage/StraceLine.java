package dev.unifarm.scheduler.coverage;

import dev.unifarm.imager.model.LinuxSyscalls;
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
    /**
     * strace's second half of a call interrupted by another thread's line: {@code <... name resumed>rest};
     * read as {@code name(} + rest (the arguments printed after resuming).
     */
    static final Pattern RESUMED = Pattern.compile("<\\.\\.\\. ([a-z_][a-z0-9_]*) resumed>(.*)");
    private static final Pattern RETURNS = Pattern.compile("\\) += ");
    static final int ENOSYS = 38;
    private static final String INJECTED = "(INJECTED)";

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

    /**
     * The call that ends {@code text} when app output without a newline came before it, as on a
     * Unikraft console ({@code HRESULT: 0x80004005mknodat(…) = Function not implemented (-38)}): the
     * leftmost {@code (} from which the rest parses, its name the longest Linux syscall name that ends
     * there ({@code 0x80004005mknodat} → {@code mknodat}), else the identifier that ends there; or the
     * resumed half of a Linux strace call ({@code 88 <... mknodat resumed>) = -1 ENOSYS …}). Empty when
     * no call ends the text (never throws).
     */
    public static Optional<StraceLine> find(String text) {
        // strace pads a short call to column 40 before " = ": ")          = ?"
        if (text == null || !RETURNS.matcher(text).find()) {
            return Optional.empty();
        }
        Matcher resumed = RESUMED.matcher(text);
        if (resumed.find()) {
            return parse(resumed.group(1) + "(" + resumed.group(2));
        }
        for (int paren = text.indexOf('('); paren > 0; paren = text.indexOf('(', paren + 1)) {
            int start = nameStart(text, paren);
            if (start < paren) {
                Optional<StraceLine> line = parse(text.substring(start));
                if (line.isPresent()) {
                    return line;
                }
            }
        }
        return Optional.empty();
    }

    /** Where the name before {@code text[paren]} starts ({@code paren} itself when there is none). */
    private static int nameStart(String text, int paren) {
        int run = paren;
        while (run > 0 && isNameChar(text.charAt(run - 1))) {
            run--;
        }
        for (int s = run; s < paren; s++) {
            if (!Character.isDigit(text.charAt(s)) && LinuxSyscalls.isSyscall(text.substring(s, paren))) {
                return s;
            }
        }
        // not a Linux name (e.g. a Unikraft one): the identifier, as the pattern reads it
        int s = run;
        while (s < paren && !(Character.isLetter(text.charAt(s)) || text.charAt(s) == '_')) {
            s++;
        }
        return s;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** Whether the call never returned ({@code = ?}: {@code exit_group}, or a thread cut off by the exit). */
    public boolean unreturned() {
        return result.equals("?");
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

    /**
     * Whether strace made this result up ({@code -e inject=…}: {@code = -1 ENOSYS (Function not
     * implemented) (INJECTED)}): the call never reached the kernel, the app saw the result all the same,
     * so {@link #outcome()} reads it like any other.
     */
    public boolean injected() {
        return result.endsWith(INJECTED);
    }

    /** Whether the argument list was cut by the tracer ({@code ...} in place of the rest). */
    public boolean truncated() {
        return args.endsWith("...") || args.contains("\"...");
    }

    public SyscallCall toCall() {
        return new SyscallCall(name, outcome(), result);
    }
}
