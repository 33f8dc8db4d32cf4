package dev.unifarm.api.coverage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A kernel's support plan for the farm's apps (docs/coverage.md, "What an app really needs"): per app what its newest
 * needs sweep says about the kernel, and which missing syscalls to implement first — greedy, like Loupe's guided
 * support: each step takes the syscall that brings the most apps to zero blockers (ties: the one more apps require,
 * then the name).
 */
@Schema(description = "A kernel's support plan: per app its blockers, and the missing syscalls to implement first")
public record SupportPlan(
        @Schema(description = "The kernel profile") String kernel,
        @Schema(description = "Apps with a finished needs sweep (each its newest)") int sweptApps,
        @Schema(description = "Swept apps without blockers on this kernel") int appsRunnableNow,
        @Schema(description = "Per swept app, by name") List<AppSupport> apps,
        @Schema(description = "Missing syscalls some app requires, in the order to implement them") List<Step> ranking,
        @Schema(description = "Missing fakeable syscalls: what a compat layer returning 0 fixes, most apps first") List<Fix> shim,
        @Schema(description = "Missing stubbable syscalls: what the kernel's ENOSYS already fixes, most apps first") List<Fix> stub) {

    /** One step of the ranking. */
    @Schema(name = "SupportPlanStep", description = "One syscall to implement, in ranking order")
    public record Step(
            @Schema(description = "The syscall") String syscall,
            @Schema(description = "The apps that require it, sorted") List<String> requiredBy,
            @Schema(description = "Apps without blockers once this syscall and all before it are implemented") int appsRunnableAfter) {
    }

    /** A missing syscall a shim or a stub takes care of, and the apps it does so for. */
    @Schema(name = "SupportPlanFix", description = "A missing syscall a compat shim or a stub takes care of")
    public record Fix(@Schema(description = "The syscall") String syscall, @Schema(description = "The apps, sorted") List<String> apps) {
    }

    public SupportPlan {
        apps = List.copyOf(apps);
        ranking = List.copyOf(ranking);
        shim = List.copyOf(shim);
        stub = List.copyOf(stub);
    }

    public static SupportPlan of(String kernel, List<AppSupport> apps) {
        List<AppSupport> byName = apps.stream().sorted(Comparator.comparing(AppSupport::app)).toList();
        int runnableNow = (int) byName.stream().filter(AppSupport::runsNow).count();
        return new SupportPlan(kernel, byName.size(), runnableNow, byName, ranking(byName, runnableNow),
                fixes(byName, AppSupport::fakeable), fixes(byName, AppSupport::stubbable));
    }

    /** The greedy order: each step the syscall leaving the most apps without blockers. */
    static List<Step> ranking(List<AppSupport> apps, int runnableNow) {
        Map<String, Set<String>> requiredBy = appsBy(apps, AppSupport::blockers);
        Map<String, Set<String>> left = new HashMap<>();
        apps.stream().filter(a -> !a.runsNow()).forEach(a -> left.put(a.app(), new HashSet<>(a.blockers())));
        Set<String> candidates = new TreeSet<>(requiredBy.keySet());
        List<Step> steps = new ArrayList<>();
        int runnable = runnableNow;
        while (!candidates.isEmpty()) {
            String next = candidates.stream().min(Comparator.<String>comparingInt(s -> -unblocked(left, s))
                    .thenComparingInt(s -> -requiredBy.get(s).size()).thenComparing(Comparator.naturalOrder())).orElseThrow();
            candidates.remove(next);
            runnable += unblocked(left, next);
            left.values().forEach(blockers -> blockers.remove(next));
            left.values().removeIf(Set::isEmpty);
            steps.add(new Step(next, List.copyOf(requiredBy.get(next)), runnable));
        }
        return steps;
    }

    /** Apps whose only blocker left is {@code syscall}. */
    private static int unblocked(Map<String, Set<String>> left, String syscall) {
        return (int) left.values().stream().filter(blockers -> blockers.size() == 1 && blockers.contains(syscall)).count();
    }

    private static List<Fix> fixes(List<AppSupport> apps, Function<AppSupport, Set<String>> names) {
        return appsBy(apps, names).entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Set<String>>>comparingInt(e -> -e.getValue().size()).thenComparing(Map.Entry::getKey))
                .map(e -> new Fix(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    /** Syscall → the apps naming it (sorted). */
    private static Map<String, Set<String>> appsBy(List<AppSupport> apps, Function<AppSupport, Set<String>> names) {
        Map<String, Set<String>> by = new TreeMap<>();
        apps.forEach(app -> names.apply(app).forEach(name -> by.computeIfAbsent(name, n -> new TreeSet<>()).add(app.app())));
        return by;
    }
}
