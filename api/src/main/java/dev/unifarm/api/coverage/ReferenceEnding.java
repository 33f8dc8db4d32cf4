package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import java.util.List;
import java.util.Optional;

/**
 * How a reference run ended, in the words its run record shows: by itself, or powered down by the
 * farm and why (it served its one request, it was still running after the settle time, it hit the
 * limit), and, when there is no trace, what the app did wrong.
 *
 * @param poweredDownBecause why the farm powered the run down, or null when it did not ask
 * @param failed the syscalls strace failed with ENOSYS (empty: a plain reference run)
 */
record ReferenceEnding(InstanceStatus end, String poweredDownBecause, List<String> failed) {

    /** A plain reference run's ending: nothing failed by strace. */
    ReferenceEnding(InstanceStatus end, String poweredDownBecause) {
        this(end, poweredDownBecause, List.of());
    }

    /** The run record's message for a run whose trace was read. */
    String traced() {
        String how;
        if (poweredDownBecause == null || end.state() != InstanceState.Stopped) {
            how = "the app ended by itself (" + end.state() + ", exit code " + end.exitCode() + ")";
        } else {
            how = poweredDownBecause + ", then powered down: the app ended on SIGTERM (exit code " + end.exitCode() + ")";
        }
        if (failed.isEmpty()) {
            return how;
        }
        // the point of such a run is how the app fares: the instance's diagnosis says it
        String diagnosis = end.state() == InstanceState.Failed ? "; " + end.reason() + ": " + end.message() : "";
        return "strace failed " + String.join(", ", failed) + " with ENOSYS; " + how + diagnosis;
    }

    /** The run record's message for a run that printed no trace. */
    String untraced() {
        String what = end.state() + ", " + end.reason() + ": " + end.message();
        if (end.state() == InstanceState.Stopped && !"PoweredDown".equals(end.reason())) {
            return "no strace output on the console (" + what + "): " + Optional.ofNullable(poweredDownBecause).orElse("stopped")
                    + ", then powered down, but the app did not end on SIGTERM (it ignores it, or its ProcessExit handler"
                    + " never returns), so the guest was ended by quit before /init could print the trace; a reference run"
                    + " needs an app that ends by itself or on SIGTERM";
        }
        return "no strace output on the console (" + what + "): the traced guest ended before /init printed the trace";
    }
}
