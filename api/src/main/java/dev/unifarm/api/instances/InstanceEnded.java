package dev.unifarm.api.instances;

import dev.unifarm.scheduler.InstanceStatus;

/**
 * Fired (synchronously, on the scheduler's thread) once an instance of revision {@code revision} of
 * {@code app} has ended: observed coverage reads its console, so instances need not know coverage.
 */
public record InstanceEnded(String app, int revision, InstanceStatus status) {
}
