package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.qmp.GuestEnd;
import java.time.Instant;

/**
 * How a QEMU run ended, from the {@link RunFacts} it gathered: a pure rule, in this order. A memory cap
 * hit, QEMU giving up, or a boot timeout, each without the app's end on the console; a VM stopped by
 * the watchdog ({@code Hung}, or the diagnosis); a stop asked for ({@code Stopped}: an app that ended
 * by itself keeps its own outcome even if a stop was asked for at the same moment); QEMU gone before
 * the app ended (the diagnosis, or what the guest did); else the app's own end ({@link AppEnd}).
 */
final class RunEnd {

    private RunEnd() {
    }

    /** The terminal status of {@code status}'s run. */
    static InstanceStatus of(InstanceStatus status, RunFacts run, Instant now) {
        Integer code = run.exitCode();
        boolean appEnded = run.waitStatus() != null;
        if (!appEnded && run.memoryCapHit()) {
            return memoryCap(status, run, now);
        }
        if (!appEnded && run.gaveUp() != null) {
            return status.finished(InstanceState.Failed, null, run.gaveUp().reason(), run.gaveUp().message(run.accel(), run.qemuLog())
                    + (run.lastLine() == null ? "" : "; last console line: \"" + run.lastLine() + "\""), now);
        }
        if (!appEnded && run.bootTimeout() != null) {
            return status.finished(InstanceState.Failed, null, "BootTimeout", run.bootTimeout() + " (" + describeStop(run) + ")", now);
        }
        if (run.hungLine() != null && (!appEnded || run.exitedOnPowerButton())) {
            // The VM had to be stopped: a diagnosed failure keeps its diagnosis as the reason (the message says
            // the VM was stopped); Hung is for a fatal line no signature explains.
            String stopped = "the VM did not exit within " + run.watchdogGrace() + " of \"" + run.hungLine()
                    + "\" and was stopped; " + describeStop(run);
            return run.diagnosis().map(d -> status.finished(InstanceState.Failed, code, d.reason(), d.message() + " (" + stopped + ")", now))
                    .orElseGet(() -> status.finished(InstanceState.Failed, code, "Hung", run.hungLine() + " (no exit within "
                            + run.watchdogGrace() + " of this line; " + describeStop(run) + ")", now));
        }
        if (run.stopRequested() && (!appEnded || run.exitedOnPowerButton())) {
            String what = appEnded ? "the app exited with code " + code + " after the power button; " : "";
            return status.finished(InstanceState.Stopped, code, run.stopOutcome() == null ? "Stopped" : run.stopOutcome().endedBy().reason,
                    run.stoppedBy() + ": " + what + describeStop(run), now);
        }
        if (!appEnded) {
            return qemuGone(status, run, now);
        }
        return AppEnd.of(status, run.waitStatus(), run.diagnosis(), run.appLines(), now);
    }

    private static InstanceStatus memoryCap(InstanceStatus status, RunFacts run, Instant now) {
        Confinement confined = run.confinement();
        return status.finished(InstanceState.Failed, null, "MemoryCapExceeded", "QEMU was killed by its cgroup's memory limit ("
                + (confined.memoryLimitMiB() == null ? "as set" : confined.memoryLimitMiB() + " MiB") + ", cgroup " + confined.cgroup()
                + "): the guest and QEMU together touched more memory than the instance may use; only this instance was stopped"
                + lastAppLines(run), now);
    }

    /** QEMU went before the app's end: the diagnosis, else what the guest did and QEMU's last words. */
    private static InstanceStatus qemuGone(InstanceStatus status, RunFacts run, Instant now) {
        String guest = run.guestEvents().isEmpty() ? "" : " (guest: " + String.join(", ", run.guestEvents()) + ")";
        String end = run.qemuExit() + " before the app ended" + guest;
        return run.diagnosis().map(d -> status.finished(InstanceState.Failed, null, d.reason(), d.message() + " (" + end + ")", now))
                .orElseGet(() -> status.finished(InstanceState.Failed, null, GuestEnd.reason(run.guestEvents()),
                        end + ": " + run.qemuLogTail() + lastAppLines(run), now));
    }

    private static String lastAppLines(RunFacts run) {
        return FailureSummary.lastLines(run.appLines()).map(last -> "; console: " + last).orElse("");
    }

    private static String describeStop(RunFacts run) {
        return run.stopOutcome() == null ? "stop sequence did not report" : run.stopOutcome().describe();
    }
}
