package dev.unifarm.api.coverage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import dev.unifarm.scheduler.coverage.NeedsTrial;
import dev.unifarm.scheduler.coverage.SyscallNeed;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A needs sweep ({@code POST}/{@code GET /api/v1/apps/{name}/coverage/needs}): the run, and once {@code Done} what the
 * app needs of each syscall it made, with the trials that decided it; with {@code ?kernel=} what that kernel lacks.
 * Fields that do not apply are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A needs sweep: the run, and once Done each syscall's class with its evidence")
public record NeedsReport(
        @Schema(description = "The sweep's id") String runId,
        @Schema(description = "The app") String app,
        @Schema(description = "The revision swept") int revision,
        @Schema(description = "The reference run whose syscalls were swept") String referenceRun,
        @Schema(description = "Running, Waiting (for capacity), Done or Failed") String state,
        @Schema(description = "Done: the classes in one line; Failed: why; Waiting: what it waits for") String message,
        @Schema(description = "Trials the guest reported so far") int trialsDone,
        @Schema(description = "The most trials the sweep can take (fewer when stubs pass)") int trialsPlanned,
        @Schema(description = "When the sweep was started") Instant createdAt,
        @Schema(description = "When it ended; null while it runs") Instant finishedAt,
        @Schema(description = "Done: the syscalls of each class") Classes classes,
        @Schema(description = "Done: the share (0 to 1) of the swept syscalls in each class") Shares shares,
        @Schema(description = "Done: per syscall its class and the trials that decided it") List<Syscall> syscalls,
        @Schema(description = "Done: the app with nothing injected") Trial baseline,
        @Schema(description = "Done: trials the guest ran") Integer trials,
        @Schema(description = "The kernel profile asked for with ?kernel=") String kernel,
        @Schema(description = "With ?kernel=: required syscalls the kernel lacks (the app cannot pass its workload there)") List<String> blockers,
        @Schema(description = "With ?kernel=: fakeable syscalls the kernel lacks (a shim returning 0 would do)") List<String> shim,
        @Schema(description = "With ?kernel=: stubbable syscalls the kernel lacks (its ENOSYS already does)") List<String> stub) {

    @Schema(name = "NeedsClasses", description = "The swept syscalls by class, each sorted")
    public record Classes(
            @Schema(description = "Neither stubbed nor faked, the app failed its workload: a kernel must implement them") List<String> required,
            @Schema(description = "Stubbed the app failed, faked (return 0) it passed") List<String> fakeable,
            @Schema(description = "Stubbed (ENOSYS) the app passed") List<String> stubbable,
            @Schema(description = "No verdict: never injected, or not reached") List<String> untried) {
    }

    @Schema(name = "NeedsShares", description = "The share (0 to 1) of the swept syscalls in each class")
    public record Shares(
            @Schema(description = "Share of required syscalls") double required,
            @Schema(description = "Share of fakeable syscalls") double fakeable,
            @Schema(description = "Share of stubbable syscalls") double stubbable,
            @Schema(description = "Share of untried syscalls") double untried) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "NeedsSyscall", description = "One syscall: its class, why it was not tried (note), and the trials that decided it")
    public record Syscall(
            @Schema(description = "The syscall") String name,
            @JsonProperty("class") @Schema(name = "class", description = "required, fakeable, stubbable or untried") NeedClass needClass,
            @Schema(description = "Why a trial was not run (never injected, never faked, cut off)") String note,
            @Schema(description = "The deciding trials") Evidence evidence) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "NeedsEvidence", description = "The trials that decided a syscall's class")
    public record Evidence(
            @Schema(description = "The syscall failed with ENOSYS") Trial stub,
            @Schema(description = "The syscall returned 0 without running") Trial fake) {
    }

    @Schema(name = "NeedsTrialView", description = "One run of the app in the sweep, as the guest judged it")
    public record Trial(
            @Schema(description = "pass, fail or hung") String verdict,
            @Schema(description = "The app's exit code; null when it was killed") Integer exitCode,
            @Schema(description = "For an app with a port: the first differing answer's status (0: none), else null") Integer httpStatus,
            @Schema(description = "The first output line or answer that differed from what was expected; null when it passed")
            String firstDifference,
            @Schema(description = "The trial's wall time in the guest") long millis) {

        static Trial of(NeedsTrial trial) {
            return trial == null ? null : new Trial(trial.verdict().name(), trial.exitCode(), trial.httpStatus(), trial.firstDifference(),
                    trial.millis());
        }
    }

    /** The run alone (a sweep not Done, or the POST's answer). */
    static NeedsReport of(NeedsRow row) {
        return new NeedsReport(row.runId(), row.app(), row.revision(), row.referenceRun(), row.state(), row.message(), row.trialsDone(),
                row.trialsPlanned(), row.createdAt(), row.finishedAt(), null, null, null, null, null, null, null, null, null);
    }

    /** The run with its result. */
    static NeedsReport of(NeedsRow row, NeedsSweepResult result) {
        int swept = Math.max(1, result.needs().size());
        Classes classes = new Classes(names(result, NeedClass.required), names(result, NeedClass.fakeable),
                names(result, NeedClass.stubbable), names(result, NeedClass.untried));
        Shares shares = new Shares(classes.required().size() / (double) swept, classes.fakeable().size() / (double) swept,
                classes.stubbable().size() / (double) swept, classes.untried().size() / (double) swept);
        List<Syscall> syscalls = result.needs().stream().map(NeedsReport::syscall).toList();
        return new NeedsReport(row.runId(), row.app(), row.revision(), row.referenceRun(), row.state(), row.message(), row.trialsDone(),
                row.trialsPlanned(), row.createdAt(), row.finishedAt(), classes, shares, syscalls, Trial.of(result.baseline()),
                result.trials(), null, null, null, null);
    }

    /** This report with what {@code kernel} lacks. */
    NeedsReport against(String kernelName, AppSupport support) {
        return new NeedsReport(runId, app, revision, referenceRun, state, message, trialsDone, trialsPlanned, createdAt, finishedAt,
                classes, shares, syscalls, baseline, trials, kernelName, List.copyOf(support.blockers()), List.copyOf(support.fakeable()),
                List.copyOf(support.stubbable()));
    }

    private static Syscall syscall(SyscallNeed need) {
        Evidence evidence = need.stub() == null && need.fake() == null ? null : new Evidence(Trial.of(need.stub()), Trial.of(need.fake()));
        return new Syscall(need.syscall(), need.needClass(), need.note(), evidence);
    }

    private static List<String> names(NeedsSweepResult result, NeedClass needClass) {
        return List.copyOf(result.names(needClass));
    }
}
