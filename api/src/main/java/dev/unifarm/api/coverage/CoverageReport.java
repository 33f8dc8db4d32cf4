package dev.unifarm.api.coverage;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/apps/{name}/coverage}: an app's traced runs, and for one revision each kernel
 * profile's predicted coverage (the reference run's syscalls against the kernel's table) next to its
 * observed coverage (the newest finished run on that kernel); with {@code ?against=} a differential view.
 *
 * @param revision the revision the kernels are shown for (null: no run has finished yet)
 */
public record CoverageReport(String app, Integer revision, List<Run> runs, List<KernelCoverage> kernels, Diff diff) {

    /** One traced run; {@code state} Running, Waiting (for capacity: {@code message} says what it needs and what is free), Done or Failed (then {@code message} says why). */
    public record Run(String runId, int revision, String kernel, String source, String state, String message, Integer exitCode,
            Instant createdAt) {
    }

    /** One kernel profile for the revision; {@code predicted} null without a table or a reference run, {@code observed} null without a run. */
    public record KernelCoverage(String kernel, Predicted predicted, Observed observed) {
    }

    /**
     * The reference run's syscalls against the kernel's table.
     *
     * @param distinct share of the reference's distinct syscalls the kernel implements
     * @param calls the same weighted by the reference's calls
     * @param missing reference syscalls the kernel does not implement
     */
    public record Predicted(String referenceRun, double distinct, double calls, List<String> missing) {
    }

    /**
     * What a run on the kernel saw; each syscall is listed under its worst outcome.
     *
     * @param distinct share of distinct syscalls that were {@code ok}
     * @param calls share of calls that were {@code ok}
     * @param counts calls per syscall
     */
    public record Observed(String runId, double distinct, double calls, long totalCalls, List<String> ok, List<String> stubbed,
            List<String> enosys, List<String> error, Map<String, Long> counts) {
    }

    /**
     * Two kernels (observed where a run exists, else predicted: implemented = ok, not = enosys) or two
     * runs; {@code changes} lists every syscall whose outcome differs ({@code absent}: not called there).
     */
    public record Diff(String left, String right, List<Change> changes) {
    }

    public record Change(String syscall, String left, String right) {
    }
}
