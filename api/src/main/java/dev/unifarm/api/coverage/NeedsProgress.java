package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.coverage.NeedsTrial;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trials of the needs sweeps running now, as their consoles report them, for the sweep's event stream (the
 * record's {@code trials_done} is the durable count; the last trial's verdict lives only here).
 */
@ApplicationScoped
class NeedsProgress {

    /** Trials read so far and the newest one. */
    record Progress(int trialsDone, NeedsTrial lastTrial) {
    }

    private final Map<String, Progress> running = new ConcurrentHashMap<>();

    void trial(String runId, NeedsTrial trial, int trialsDone) {
        running.put(runId, new Progress(trialsDone, trial));
    }

    void finished(String runId) {
        running.remove(runId);
    }

    Optional<Progress> of(String runId) {
        return Optional.ofNullable(running.get(runId));
    }
}
