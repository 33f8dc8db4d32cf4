package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.scheduler.coverage.KernelSyscallTable;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the coverage report from the stored runs and the kernels' tables (and keeps the ratio gauges current). */
@ApplicationScoped
public class CoverageService {

    private final AppService apps;
    private final ProfileRepository profiles;
    private final KernelProfiles kernels;
    private final CoverageMetrics metrics;
    private final ObjectMapper json;

    CoverageService(AppService apps, ProfileRepository profiles, KernelProfiles kernels, CoverageMetrics metrics,
            ObjectMapper json) {
        this.apps = apps;
        this.profiles = profiles;
        this.kernels = kernels;
        this.metrics = metrics;
        this.json = json;
    }

    /**
     * @param revision the revision to show (null: the newest with a finished run)
     * @param against a kernel profile (compared with {@code kernel}) or a run id (compared with {@code run}); null: no diff
     */
    public CoverageReport report(String app, Integer revision, String kernel, String run, String against) {
        apps.get(app);
        List<ProfileRow> rows = profiles.all(app);
        List<ProfileRow> done = rows.stream().filter(r -> ProfileRow.DONE.equals(r.state())).toList();
        Integer shown = revision != null ? revision : done.stream().map(ProfileRow::revision).findFirst().orElse(null);
        if (revision != null && rows.stream().noneMatch(r -> r.revision() == revision)) {
            throw ProblemException.notFound("coverage", "app \"" + app + "\" has no traced run of revision " + revision
                    + ": POST /api/v1/apps/" + app + "/coverage/reference traces the latest revision");
        }
        Optional<ProfileRow> reference = done.stream()
                .filter(r -> shown != null && r.revision() == shown && ReferenceRuns.SOURCE.equals(r.source())).findFirst();
        SyscallProfile referenceProfile = reference.map(r -> ProfileJson.read(json, r.callsJson())).orElse(null);
        List<CoverageReport.KernelCoverage> perKernel = new ArrayList<>();
        for (String name : kernels.names()) {
            CoverageReport.Predicted predicted = referenceProfile == null ? null : kernels.syscalls(name)
                    .map(table -> CoverageCalculator.predicted(reference.get().runId(), referenceProfile, table)).orElse(null);
            CoverageReport.Observed observed = done.stream().filter(r -> shown != null && r.revision() == shown && r.kernel().equals(name)
                            && !ReferenceRuns.INJECTED.equals(r.source()))
                    .findFirst().map(r -> CoverageCalculator.observed(r.runId(), ProfileJson.read(json, r.callsJson()))).orElse(null);
            if (predicted != null) {
                metrics.ratio(app, name, "predicted", predicted.distinct());
            }
            if (observed != null) {
                metrics.ratio(app, name, "observed", observed.distinct());
            }
            perKernel.add(new CoverageReport.KernelCoverage(name, predicted, observed));
        }
        CoverageReport.Diff diff = against == null ? null : diff(app, perKernel, done, reference, kernel, run, against);
        return new CoverageReport(app, shown, rows.stream().map(ReferenceRuns::toRun).toList(), perKernel, diff);
    }

    private CoverageReport.Diff diff(String app, List<CoverageReport.KernelCoverage> perKernel, List<ProfileRow> done,
            Optional<ProfileRow> reference, String kernel, String run, String against) {
        if (kernels.get(against).isPresent()) {
            String left = kernel != null ? kernel : KernelProfiles.DEFAULT;
            return CoverageCalculator.diff(left, outcomes(app, perKernel, reference, left), against,
                    outcomes(app, perKernel, reference, against));
        }
        ProfileRow right = done.stream().filter(r -> r.runId().equals(against)).findFirst()
                .orElseThrow(() -> ProblemException.badRequest("invalid-against", "against=" + against + " is neither a kernel profile "
                        + kernels.names() + " nor a finished run of \"" + app + "\": pass one of them"));
        ProfileRow left = run == null ? done.get(0) : done.stream().filter(r -> r.runId().equals(run)).findFirst()
                .orElseThrow(() -> ProblemException.badRequest("invalid-run", "run=" + run + " is not a finished run of \"" + app
                        + "\": pass a runId from this report's runs"));
        return CoverageCalculator.diff(left.runId(), CoverageCalculator.outcomes(CoverageCalculator.observed(left.runId(),
                ProfileJson.read(json, left.callsJson()))), right.runId(), CoverageCalculator.outcomes(CoverageCalculator.observed(
                right.runId(), ProfileJson.read(json, right.callsJson()))));
    }

    /** A kernel's view: observed when a run exists, else predicted, else nothing to compare (a 400 says so). */
    private Map<String, String> outcomes(String app, List<CoverageReport.KernelCoverage> perKernel, Optional<ProfileRow> reference,
            String kernel) {
        CoverageReport.KernelCoverage coverage = perKernel.stream().filter(k -> k.kernel().equals(kernel)).findFirst()
                .orElseThrow(() -> ProblemException.badRequest("invalid-kernel", "kernel=" + kernel + " is not a kernel profile of"
                        + " this farm; configured: " + kernels.names()));
        if (coverage.observed() != null) {
            return CoverageCalculator.outcomes(coverage.observed());
        }
        Optional<KernelSyscallTable> table = kernels.syscalls(kernel);
        if (reference.isPresent() && table.isPresent()) {
            return CoverageCalculator.outcomes(ProfileJson.read(json, reference.get().callsJson()), table.get());
        }
        throw ProblemException.conflict("coverage-unknown", "nothing is known about \"" + app + "\" on kernel " + kernel
                + " (no run there, and no reference run with a syscall table to predict from): POST /api/v1/apps/" + app
                + "/coverage/reference first");
    }
}
