package dev.unifarm.api.coverage;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What one app's needs sweep says about one kernel (docs/coverage.md, "What an app really needs"): the syscalls of
 * each class the kernel lacks. Only {@code required} ones block the app; {@code untried} ones are left out (no
 * verdict is no evidence either way).
 *
 * @param blockers required syscalls the kernel lacks: the app cannot pass its workload there
 * @param fakeable fakeable syscalls the kernel lacks: a compat shim returning 0 would do
 * @param stubbable stubbable syscalls the kernel lacks: its ENOSYS already does
 */
@Schema(description = "What an app's newest needs sweep says about one kernel: the syscalls of each class the kernel lacks")
public record AppSupport(
        @Schema(description = "The app") String app,
        @Schema(description = "The swept revision") int revision,
        @Schema(description = "Required syscalls the kernel lacks: the app cannot pass its workload there, sorted") Set<String> blockers,
        @Schema(description = "Fakeable syscalls the kernel lacks: a compat shim returning 0 would do, sorted") Set<String> fakeable,
        @Schema(description = "Stubbable syscalls the kernel lacks: its ENOSYS already does, sorted") Set<String> stubbable) {

    public AppSupport {
        blockers = sorted(blockers);
        fakeable = sorted(fakeable);
        stubbable = sorted(stubbable);
    }

    public static AppSupport of(String app, int revision, NeedsSweepResult result, KernelSyscallTable table) {
        return new AppSupport(app, revision, lacking(result, NeedClass.required, table), lacking(result, NeedClass.fakeable, table),
                lacking(result, NeedClass.stubbable, table));
    }

    /** No blockers: the app passes its workload on this kernel, as far as the sweep can tell. */
    @JsonProperty("runsNow")
    @Schema(description = "No blockers: the app passes its workload on this kernel, as far as its sweep can tell")
    public boolean runsNow() {
        return blockers.isEmpty();
    }

    private static Set<String> lacking(NeedsSweepResult result, NeedClass needClass, KernelSyscallTable table) {
        Set<String> lacking = new TreeSet<>(result.names(needClass));
        lacking.removeIf(table::implementsCall);
        return lacking;
    }

    private static Set<String> sorted(Set<String> names) {
        return Collections.unmodifiableSet(new TreeSet<>(names == null ? Set.of() : names));
    }
}
