package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** An app's newest needs sweep as {@link NeedsReport} (optionally against a kernel's table), and as events while it runs. */
@ApplicationScoped
public class NeedsReports {

    private final AppService apps;
    private final NeedsRepository needs;
    private final NeedsProgress progress;
    private final KernelProfiles kernels;
    private final UnifarmConfig config;
    private final ObjectMapper json;

    NeedsReports(AppService apps, NeedsRepository needs, NeedsProgress progress, KernelProfiles kernels, UnifarmConfig config,
            ObjectMapper json) {
        this.apps = apps;
        this.needs = needs;
        this.progress = progress;
        this.kernels = kernels;
        this.config = config;
        this.json = json;
    }

    /** The newest sweep; with {@code kernel} (a profile with a syscall table) what that kernel lacks once it is Done. */
    public NeedsReport newest(String app, String kernel) {
        KernelSyscallTable table = kernel == null ? null : table(kernel);
        NeedsRow row = newestRow(app);
        if (!ProfileRow.DONE.equals(row.state())) {
            return NeedsReport.of(row);
        }
        NeedsSweepResult result = NeedsResults.read(json, row.resultJson());
        NeedsReport report = NeedsReport.of(row, result);
        return table == null ? report : report.against(kernel, AppSupport.of(app, row.revision(), result, table));
    }

    /** The newest sweep's events: progress until it ends, then its end (a finished sweep's at once). */
    public NeedsEvents events(String app) {
        // no sweep may run longer than its limit and the stop's grace, counted from its start (its build included)
        Duration bound = config.coverage().needsLimit().plus(NeedsSweeps.GRACE).plus(NeedsSweeps.GRACE);
        return new NeedsEvents(needs, progress, json, newestRow(app).runId(), bound);
    }

    private NeedsRow newestRow(String app) {
        apps.get(app);
        return needs.all(app).stream().findFirst().orElseThrow(() -> ProblemException.notFound("needs", "app \"" + app
                + "\" has no needs sweep: POST /api/v1/apps/" + app + "/coverage/needs starts one (after a Done reference run)"));
    }

    private KernelSyscallTable table(String kernel) {
        if (kernels.get(kernel).isEmpty()) {
            throw ProblemException.badRequest("invalid-kernel", "kernel=" + kernel + " is not a kernel profile of this farm; configured: "
                    + kernels.names());
        }
        return kernels.syscalls(kernel).orElseThrow(() -> ProblemException.conflict("syscall-table-missing", "kernel profile \""
                + kernel + "\" has no syscall table, so nothing says which syscalls it lacks: set unifarm.kernels." + kernel
                + ".provided-syscalls or unifarm.kernels." + kernel + ".syscalls-symbols and restart the farm (docs/farm.md)"));
    }
}
