package dev.unifarm.scheduler.coverage;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A reference run's trace as {@link StraceParser} read it: every call as a profile; the calls per
 * name that never returned ({@code exit_group(0) = ?}, a thread's {@code futex} cut off by the exit);
 * the {@code -c} summary table of the same run (calls per name); lines that were not trace lines.
 */
public record StraceTrace(SyscallProfile profile, Map<String, Long> unreturnedCalls, Map<String, Long> summary, int unparsed) {

    public StraceTrace {
        unreturnedCalls = Map.copyOf(unreturnedCalls);
        summary = Map.copyOf(summary);
    }

    /** Calls of {@code name} that returned: what strace's {@code -c} table counts (it counts a call when it returns). */
    public long returnedCalls(String name) {
        return profile.calls(name) - unreturnedCalls.getOrDefault(name, 0L);
    }

    /** The names with a call that returned ({@code exit_group} and {@code exit} never do, so {@code -c} never lists them). */
    public Set<String> returnedNames() {
        Set<String> names = new TreeSet<>();
        profile.names().stream().filter(name -> returnedCalls(name) > 0).forEach(names::add);
        return names;
    }

    /** The names no call of which returned. */
    public Set<String> unreturnedNames() {
        Set<String> names = new TreeSet<>(profile.names());
        names.removeAll(returnedNames());
        return names;
    }
}
