package dev.unifarm.scheduler.restart;

import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.RestartPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When one instance runs again after a run ended by itself, for both schedulers (a local
 * {@code local.Supervisor} and the Kubernetes one): the {@link RestartPolicy} says whether, the
 * {@link Backoff} after which delay. Delays grow while runs end quickly one after the other
 * (Kubernetes' CrashLoopBackOff); a run that lasted the backoff's {@code resetAfter} starts the
 * series again.
 */
public final class RestartSchedule {

    /**
     * The next run.
     *
     * @param delay how long to wait before it
     * @param crashLoop a second run in a row ended before it lasted {@code resetAfter}
     */
    public record Restart(Duration delay, boolean crashLoop) {
    }

    private final RestartPolicy policy;
    private final Backoff backoff;
    private final List<Duration> delays = new ArrayList<>();
    /** Restarts since a run last lasted long enough to reset the backoff. */
    private int consecutive;

    public RestartSchedule(RestartPolicy policy, Backoff backoff) {
        this.policy = policy;
        this.backoff = backoff;
    }

    public RestartPolicy policy() {
        return policy;
    }

    /** Whether an instance whose run ended {@code end} by itself (not on request) runs again. */
    public boolean restarts(InstanceState end) {
        return policy.restarts(end);
    }

    /** The restart after a run from {@code startedAt} (null: it never booted) to {@code endedAt}; its delay is recorded. */
    public synchronized Restart next(Instant startedAt, Instant endedAt) {
        if (startedAt != null && backoff.resets(Duration.between(startedAt, endedAt))) {
            consecutive = 0;
        }
        boolean crashLoop = consecutive > 0;
        Duration delay = backoff.delay(consecutive++);
        delays.add(delay);
        return new Restart(delay, crashLoop);
    }

    /** The delays before each restart so far, in order. */
    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }
}
