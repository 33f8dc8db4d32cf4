package dev.unifarm.api.instances;

import dev.unifarm.api.coverage.ObservedRuns;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceStatus;
import java.time.Instant;

/**
 * What the farm does with each status the scheduler reports for one instance, started or adopted:
 * record it, update the metrics, and once the instance has ended hand it to {@link ObservedRuns}
 * (a Unikraft instance's console becomes its observed syscall coverage) and to {@link ConsoleDiagnoses}
 * (a failure not filed under a diagnosis is counted by its console's).
 */
final class InstanceRecorder implements InstanceListener {

    private final InstanceRepository instances;
    private final InstanceMetrics metrics;
    private final ObservedRuns observed;
    private final ConsoleDiagnoses diagnoses;
    private final String app;
    private final int revision;
    private final Instant requested;
    private final StopReasons stopReasons;

    InstanceRecorder(InstanceRepository instances, InstanceMetrics metrics, ObservedRuns observed, ConsoleDiagnoses diagnoses,
            String app, int revision, Instant requested, StopReasons stopReasons) {
        this.stopReasons = stopReasons;
        this.instances = instances;
        this.diagnoses = diagnoses;
        this.metrics = metrics;
        this.observed = observed;
        this.app = app;
        this.revision = revision;
        this.requested = requested;
    }

    @Override
    public void changed(InstanceStatus reported) {
        InstanceStatus status = stopReasons.explain(reported);
        instances.update(status);
        metrics.changed(app, requested, status);
        if (status.state().isTerminal()) {
            observed.ended(app, revision, status);
            diagnoses.ended(app, status);
        }
    }
}
