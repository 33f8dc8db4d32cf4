package dev.unifarm.scheduler.coverage;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one run asked of its kernel: for each syscall name, how many calls ended in each outcome.
 * Built from a trace (Unikraft's shim, or {@code strace -f} in a reference run); the coverage
 * report compares profiles with each other and with a kernel's table. Not thread-safe.
 */
public final class SyscallProfile {

    private final Map<String, EnumMap<SyscallOutcome, Long>> counts = new TreeMap<>();

    public static SyscallProfile of(Collection<SyscallCall> calls) {
        SyscallProfile profile = new SyscallProfile();
        calls.forEach(profile::add);
        return profile;
    }

    public void add(SyscallCall call) {
        add(call.name(), call.outcome(), 1);
    }

    public void add(String name, SyscallOutcome outcome, long calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("negative call count for " + name);
        }
        counts.computeIfAbsent(name, n -> new EnumMap<>(SyscallOutcome.class)).merge(outcome, calls, Long::sum);
    }

    /** Every syscall name seen, sorted. */
    public Set<String> names() {
        return new TreeSet<>(counts.keySet());
    }

    /** Calls of {@code name} that ended in {@code outcome}. */
    public long calls(String name, SyscallOutcome outcome) {
        EnumMap<SyscallOutcome, Long> byOutcome = counts.get(name);
        return byOutcome == null ? 0 : byOutcome.getOrDefault(outcome, 0L);
    }

    public long calls(String name) {
        EnumMap<SyscallOutcome, Long> byOutcome = counts.get(name);
        return byOutcome == null ? 0 : byOutcome.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalCalls() {
        return counts.keySet().stream().mapToLong(this::calls).sum();
    }

    /**
     * The names whose worst outcome is {@code outcome} — a syscall that once got {@code enosys} is
     * listed as {@code enosys} even if it also succeeded (order: enosys, stubbed, error, ok).
     */
    public Set<String> namesWith(SyscallOutcome outcome) {
        Set<String> names = new TreeSet<>();
        counts.forEach((name, byOutcome) -> {
            if (worst(byOutcome) == outcome) {
                names.add(name);
            }
        });
        return names;
    }

    /** Share of distinct syscalls that are {@code ok} (worst outcome); 1.0 for an empty profile. */
    public double distinctCoverage() {
        return counts.isEmpty() ? 1.0 : (double) namesWith(SyscallOutcome.ok).size() / counts.size();
    }

    /** Share of all calls that ended {@code ok}; 1.0 for an empty profile. */
    public double callCoverage() {
        long total = totalCalls();
        if (total == 0) {
            return 1.0;
        }
        long ok = counts.keySet().stream().mapToLong(name -> calls(name, SyscallOutcome.ok)).sum();
        return (double) ok / total;
    }

    private static SyscallOutcome worst(EnumMap<SyscallOutcome, Long> byOutcome) {
        for (SyscallOutcome outcome : new SyscallOutcome[] {SyscallOutcome.enosys, SyscallOutcome.stubbed, SyscallOutcome.error}) {
            if (byOutcome.getOrDefault(outcome, 0L) > 0) {
                return outcome;
            }
        }
        return SyscallOutcome.ok;
    }
}
