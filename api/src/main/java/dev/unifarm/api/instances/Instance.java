package dev.unifarm.api.instances;

import dev.unifarm.scheduler.InstanceState;
import java.time.Instant;

/** An instance as the API shows it; boot latency is {@code readyAt - startedAt}. */
public record Instance(String id, String app, int revision, InstanceState state, Integer exitCode, int restarts,
        String reason, String message, String endpoint, String accel, String node, Instant createdAt, Instant startedAt,
        Instant readyAt, Instant finishedAt) {
}
