package dev.unifarm.api.coverage;

import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import jakarta.enterprise.context.ApplicationScoped;

/** A kernel profile's {@link SupportPlan} from every app's newest finished needs sweep. */
@ApplicationScoped
public class SupportPlans {

    private final NeedsResults needs;
    private final KernelProfiles kernels;

    SupportPlans(NeedsResults needs, KernelProfiles kernels) {
        this.needs = needs;
        this.kernels = kernels;
    }

    public SupportPlan plan(String kernel) {
        if (kernels.get(kernel).isEmpty()) {
            throw ProblemException.notFound("kernel", "there is no kernel profile \"" + kernel + "\"; configured: " + kernels.names());
        }
        KernelSyscallTable table = kernels.syscalls(kernel).orElseThrow(() -> ProblemException.conflict("syscall-table-missing",
                "kernel profile \"" + kernel + "\" has no syscall table, so nothing says which syscalls it lacks: set"
                        + " unifarm.kernels." + kernel + ".provided-syscalls (the build's provided_syscalls.in) or"
                        + " unifarm.kernels." + kernel + ".syscalls-symbols (the unstripped .dbg kernel, or a listing of its"
                        + " uk_syscall_r_* symbols) and restart the farm (docs/farm.md)"));
        return SupportPlan.of(kernel, needs.perApp().stream()
                .map(latest -> AppSupport.of(latest.app(), latest.revision(), latest.result(), table)).toList());
    }
}
