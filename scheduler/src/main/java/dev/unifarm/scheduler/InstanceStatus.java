package dev.unifarm.scheduler;

import java.time.Instant;

/**
 * An instance as the scheduler sees it; every transition produces a new value.
 *
 * @param exitCode the app's exit code, or 128+signal when it was killed, null while unknown
 * @param reason a short CamelCase word for why the instance is in its state (e.g. {@code Completed})
 * @param message a sentence for humans, e.g. the app's fatal console line
 */
public record InstanceStatus(String id, InstanceState state, Integer exitCode, String reason, String message,
        Accelerator accel, String node, Instant createdAt, Instant startedAt, Instant readyAt, Instant finishedAt) {

    public static InstanceStatus pending(String id, String node, Instant now) {
        return new InstanceStatus(id, InstanceState.Pending, null, null, null, null, node, now, null, null, null);
    }

    public InstanceStatus booting(Accelerator accelerator, Instant now) {
        return new InstanceStatus(id, InstanceState.Booting, null, null, null, accelerator, node, createdAt, now, null, null);
    }

    public InstanceStatus running(Instant now) {
        return new InstanceStatus(id, InstanceState.Running, null, null, null, accel, node, createdAt, startedAt, now, null);
    }

    public InstanceStatus finished(InstanceState end, Integer code, String why, String text, Instant now) {
        return new InstanceStatus(id, end, code, why, text, accel, node, createdAt, startedAt, readyAt, now);
    }
}
