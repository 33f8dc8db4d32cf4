package dev.unifarm.scheduler.coverage;

/**
 * One run of the app in a needs sweep, as the guest reported it.
 *
 * @param seq the trial's number in the boot (0: the baseline)
 * @param mode {@code baseline}, {@code stub} or {@code fake}
 * @param syscall the injected syscall, null for the baseline
 * @param verdict whether the run passed its workload
 * @param exitCode the app's exit code (for an app with a port: after the farm's SIGTERM), null when killed
 * @param millis the trial's wall time in the guest
 * @param httpStatus for an app with a port: the first request that differed (or the last one), 0 when nothing answered; else null
 * @param firstDifference the first output line (or HTTP answer) that differed from what was expected, null when it passed
 */
public record NeedsTrial(int seq, String mode, String syscall, Verdict verdict, Integer exitCode, long millis, Integer httpStatus,
        String firstDifference) {

    public enum Verdict {
        pass, fail, hung
    }

    public boolean passed() {
        return verdict == Verdict.pass;
    }
}
