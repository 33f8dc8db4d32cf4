package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import dev.unifarm.scheduler.coverage.NeedsTrial;
import java.util.Collection;
import java.util.List;

/**
 * How a needs sweep ended, in the words its record shows: {@code Done} with its classes when the baseline trial (the
 * app with nothing injected) passed, else {@code Failed} saying why — the app fails its workload anyway, or the guest
 * never got that far (the instance's end says how it ended).
 *
 * @param result the console as {@link NeedsConsole#parse} reads it
 * @param began the guest printed the sweep's begin line
 * @param end the run's terminal status
 * @param stoppedBecause why the farm stopped the run, or null when it did not
 */
record NeedsEnding(NeedsSweepResult result, boolean began, InstanceStatus end, String stoppedBecause) {

    static NeedsEnding of(List<String> console, Collection<String> planned, InstanceStatus end, String stoppedBecause) {
        boolean began = console.stream().anyMatch(line -> line.contains(NeedsConsole.BEGIN + " ") || line.endsWith(NeedsConsole.BEGIN));
        return new NeedsEnding(NeedsConsole.parse(console, planned), began, end, stoppedBecause);
    }

    /** A verdict per syscall is only worth keeping when the app passes its workload with nothing injected. */
    boolean done() {
        return result.baseline() != null && result.baseline().passed();
    }

    /** The sweep record's message. */
    String message() {
        return done() ? classes() + cutShort() : failure();
    }

    private String classes() {
        return result.needs().size() + " syscalls: " + result.names(NeedClass.required).size() + " required, "
                + result.names(NeedClass.fakeable).size() + " fakeable, " + result.names(NeedClass.stubbable).size() + " stubbable, "
                + result.names(NeedClass.untried).size() + " untried in " + result.trials() + " trials";
    }

    /** Why some syscalls stayed untried beyond those never injected, or nothing. */
    private String cutShort() {
        if (result.limited()) {
            return "; the guest reached unifarm.coverage.needs-limit and started no trial after it";
        }
        if (result.ended()) {
            return result.lost() == 0 ? "" : "; " + result.lost() + " verdicts never reached the farm (their syscalls are untried)";
        }
        if (stoppedBecause != null) {
            return "; " + stoppedBecause + ", then stopped: the syscalls not reached are untried";
        }
        return "; the guest ended before its sweep did (" + how() + "): the syscalls not reached are untried";
    }

    private String failure() {
        NeedsTrial baseline = result.baseline();
        if (baseline != null) {
            return "the app fails its workload with nothing injected: " + (baseline.firstDifference() != null ? baseline.firstDifference()
                    : baseline.verdict() + ", exit code " + baseline.exitCode() + (baseline.httpStatus() == null ? ""
                            : ", HTTP status " + baseline.httpStatus()))
                    + "; check spec.coverage.workload against what the app does";
        }
        String stopped = stoppedBecause == null ? "" : stoppedBecause + ", then stopped; ";
        if (began) {
            return "the sweep began but reported no baseline trial (" + how() + "): " + stopped
                    + "the guest ended during the app's first run";
        }
        return "no needs sweep on the console (" + how() + "): " + stopped + "the traced guest ended before /init began the sweep";
    }

    private String how() {
        return end.state() + ", " + end.reason() + ": " + end.message();
    }
}
