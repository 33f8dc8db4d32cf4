package dev.unifarm.scheduler.coverage;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A needs sweep read from its console ({@link NeedsConsole}).
 *
 * @param baseline the app with nothing injected, null when the guest never got that far
 * @param needs one per planned syscall, sorted by name
 * @param trials trial lines read (the baseline included)
 * @param ended the guest printed the sweep's end line ({@code false}: it was cut off)
 * @param limited the guest stopped starting trials at the sweep's limit
 * @param lost trials the guest's end line counts whose verdict reached the farm in neither copy
 */
public record NeedsSweepResult(NeedsTrial baseline, List<SyscallNeed> needs, int trials, boolean ended, boolean limited, int lost) {

    public NeedsSweepResult {
        needs = List.copyOf(needs);
    }

    /** The syscalls of one class, sorted. */
    public Set<String> names(NeedClass needClass) {
        Set<String> names = new TreeSet<>();
        needs.stream().filter(n -> n.needClass() == needClass).forEach(n -> names.add(n.syscall()));
        return names;
    }

    public Optional<SyscallNeed> need(String syscall) {
        return needs.stream().filter(n -> n.syscall().equals(syscall)).findFirst();
    }
}
