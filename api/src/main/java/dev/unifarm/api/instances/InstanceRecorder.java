package dev.unifarm.api.instances;

import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceStatus;
import jakarta.enterprise.event.Event;
import java.time.Instant;

/**
 * What the farm does with each status the scheduler reports for one instance, started or adopted:
 * record it, update the metrics, and once the instance has ended fire {@link InstanceEnded} (observed
 * coverage makes a Unikraft instance's console its observed syscall coverage) and hand it to {@link ConsoleDiagnoses}
 * (a failure not filed under a diagnosis is counted by its console's).
 */
final class InstanceRecorder implements InstanceListener {

    private final InstanceRepository instances;
    private final InstanceMetrics metrics;
    private final Event<InstanceEnded> ended;
    private final ConsoleDiagnoses diagnoses;
    private final String app;
    private final int revision;
    private final Instant requested;
    private final StopReasons stopReasons;

    InstanceRecorder(InstanceRepository instances, InstanceMetrics metrics, Event<InstanceEnded> ended, ConsoleDiagnoses diagnoses,
            String app, int revision, Instant requested, StopReasons stopReasons) {
        this.stopReasons = stopReasons;
        this.instances = instances;
        this.diagnoses = diagnoses;
        this.metrics = metrics;
        this.ended = ended;
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
            ended.fire(new InstanceEnded(app, revision, status));
            diagnoses.ended(app, status);
        }
    }
}
