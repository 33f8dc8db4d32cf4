package dev.unifarm.api.coverage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /api/v1/apps/{name}/coverage}: an app's traced runs, and for one revision each kernel
 * profile's predicted coverage (the reference run's syscalls against the kernel's table) next to its
 * observed coverage (the newest finished run on that kernel); with {@code ?against=} a differential view.
 *
 * @param revision the revision the kernels are shown for (null: no run has finished yet)
 */
@Schema(description = "An app's traced runs, and per kernel profile its predicted and observed syscall coverage")
public record CoverageReport(
        @Schema(description = "The app's name")
        String app,
        @Schema(description = "The revision the kernels are shown for; null when no run has finished yet")
        Integer revision,
        @Schema(description = "Every traced run of the app, oldest first")
        List<Run> runs,
        @Schema(description = "Each kernel profile's coverage for the revision")
        List<KernelCoverage> kernels,
        @Schema(description = "The differential view asked for with against=; null without it")
        Diff diff) {

    /** One traced run; {@code state} Running, Waiting (for capacity: {@code message} says what it needs and what is free), Done or Failed (then {@code message} says why). */
    @Schema(description = "One traced run")
    public record Run(
            @Schema(description = "The run's id") String runId,
            @Schema(description = "The revision it traced") int revision,
            @Schema(description = "The kernel profile it ran on") String kernel,
            @Schema(description = "reference (a reference run), injected (a run with failSyscalls) or observed (an instance's trace)")
            String source,
            @Schema(description = "Running, Waiting (for capacity; message says what it needs and what is free), Done or Failed") String state,
            @Schema(description = "How the run ended, or why it failed") String message,
            @Schema(description = "The app's exit code; null while running or when unknown") Integer exitCode,
            @Schema(description = "When the run was started") Instant createdAt) {
    }

    /** One kernel profile for the revision; {@code predicted} null without a table or a reference run, {@code observed} null without a run. */
    @Schema(description = "One kernel profile's coverage for the revision")
    public record KernelCoverage(
            @Schema(description = "The kernel profile") String kernel,
            @Schema(description = "The reference run's syscalls against the kernel's table; null without a table or a reference run")
            Predicted predicted,
            @Schema(description = "What the newest finished run on this kernel saw; null without a run") Observed observed) {
    }

    /**
     * The reference run's syscalls against the kernel's table.
     *
     * @param distinct share of the reference's distinct syscalls the kernel implements
     * @param calls the same weighted by the reference's calls
     * @param missing reference syscalls the kernel does not implement
     */
    @Schema(description = "The reference run's syscalls against the kernel's table")
    public record Predicted(
            @Schema(description = "The reference run it is computed from") String referenceRun,
            @Schema(description = "Share (0 to 1) of the reference's distinct syscalls the kernel implements") double distinct,
            @Schema(description = "The same share weighted by the reference's calls") double calls,
            @Schema(description = "Reference syscalls the kernel does not implement") List<String> missing) {
    }

    /**
     * What a run on the kernel saw; each syscall is listed under its worst outcome.
     *
     * @param distinct share of distinct syscalls that were {@code ok}
     * @param calls share of calls that were {@code ok}
     * @param counts calls per syscall
     */
    @Schema(description = "What a run on the kernel saw; each syscall is listed under its worst outcome")
    public record Observed(
            @Schema(description = "The run") String runId,
            @Schema(description = "Share (0 to 1) of distinct syscalls that were ok") double distinct,
            @Schema(description = "Share (0 to 1) of calls that were ok") double calls,
            @Schema(description = "Syscalls made in all") long totalCalls,
            @Schema(description = "Syscalls that always succeeded") List<String> ok,
            @Schema(description = "Syscalls a stub answered (the kernel pretends)") List<String> stubbed,
            @Schema(description = "Syscalls that failed with ENOSYS (not implemented)") List<String> enosys,
            @Schema(description = "Syscalls that failed with another error") List<String> error,
            @Schema(description = "Calls per syscall") Map<String, Long> counts) {
    }

    /**
     * Two kernels (observed where a run exists, else predicted: implemented = ok, not = enosys) or two
     * runs; {@code changes} lists every syscall whose outcome differs ({@code absent}: not called there).
     */
    @Schema(description = "Two kernels or two runs compared")
    public record Diff(
            @Schema(description = "The left side: a kernel profile or a run id") String left,
            @Schema(description = "The right side: a kernel profile or a run id") String right,
            @Schema(description = "Every syscall whose outcome differs") List<Change> changes) {
    }

    @Schema(description = "One syscall whose outcome differs")
    public record Change(
            @Schema(description = "The syscall's name") String syscall,
            @Schema(description = "Its outcome on the left (absent: not called there)") String left,
            @Schema(description = "Its outcome on the right (absent: not called there)") String right) {
    }
}
