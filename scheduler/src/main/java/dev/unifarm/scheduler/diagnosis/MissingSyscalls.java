package dev.unifarm.scheduler.diagnosis;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the syscall a Unikraft console line says is not implemented (strace {@code name(…) = Function
 * not implemented (-38)}, debug {@code syscall "name" is not available}, {@code System call "name" is
 * not available (-ENOSYS)}). Simple line matching until the coverage trace parser replaces it.
 */
final class MissingSyscalls {

    /** ENOSYS that .NET and glibc survive (DESIGN section 4): they fall back or do without. */
    static final Set<String> HARMLESS = Set.of("faccessat2", "clone3", "set_robust_list", "rseq",
            "sched_getparam", "sched_getscheduler", "mincore");

    // strace lines may follow app output on the same console line, so the name is searched, not anchored.
    private static final Pattern STRACE = Pattern.compile("([a-z_][a-z0-9_]*)\\(.*\\) = Function not implemented \\(-38\\)");
    private static final Pattern NOT_AVAILABLE = Pattern.compile("(?i)(?:syscall|System call) \"([a-z0-9_]+)\" is not available");

    private MissingSyscalls() {
    }

    /** The syscall this line reports as ENOSYS, if any. */
    static Optional<String> in(String line) {
        Matcher strace = STRACE.matcher(line);
        if (strace.find()) {
            return Optional.of(strace.group(1));
        }
        Matcher named = NOT_AVAILABLE.matcher(line);
        return named.find() ? Optional.of(named.group(1)) : Optional.empty();
    }

    /** ENOSYS on a syscall the runtime cannot do without. */
    static Optional<String> vitalIn(String line) {
        return in(line).filter(name -> !HARMLESS.contains(name));
    }
}
