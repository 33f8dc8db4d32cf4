package dev.unifarm.scheduler.diagnosis;

import dev.unifarm.scheduler.coverage.StraceLine;
import dev.unifarm.scheduler.coverage.SyscallOutcome;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the syscall a Unikraft console line says is not implemented: a trace line (read by
 * {@link StraceLine}, also when app output is glued before it) whose outcome is {@code enosys}
 * ({@code name(…) = Function not implemented (-38)}, or Linux strace's {@code -1 ENOSYS}), or the
 * debug forms {@code syscall "name" is not available}, {@code System call "name" is not available (-ENOSYS)}.
 */
final class MissingSyscalls {

    /** ENOSYS that .NET and glibc survive: they fall back (clone3 to clone) or do without (rseq). */
    static final Set<String> HARMLESS = Set.of("faccessat2", "clone3", "set_robust_list", "rseq",
            "sched_getparam", "sched_getscheduler", "mincore");

    private static final Pattern NOT_AVAILABLE = Pattern.compile("(?i)(?:syscall|System call) \"([a-z0-9_]+)\" is not available");

    private MissingSyscalls() {
    }

    /** The syscall this line reports as ENOSYS, if any. */
    static Optional<String> in(String line) {
        Optional<String> traced = StraceLine.find(line).filter(call -> call.outcome() == SyscallOutcome.enosys).map(StraceLine::name);
        if (traced.isPresent()) {
            return traced;
        }
        Matcher named = NOT_AVAILABLE.matcher(line);
        return named.find() ? Optional.of(named.group(1)) : Optional.empty();
    }

    /** ENOSYS on a syscall the runtime cannot do without. */
    static Optional<String> vitalIn(String line) {
        return in(line).filter(name -> !HARMLESS.contains(name));
    }
}
