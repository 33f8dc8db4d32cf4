package dev.unifarm.scheduler;

import java.time.Instant;

/**
 * An instance as the scheduler sees it; every transition produces a new value.
 *
 * @param exitCode the app's exit code, or 128+signal when it was killed, null while unknown
 * @param reason a short CamelCase word for why the instance is in its state (e.g. {@code Completed});
 *     after a restart, until the new run ends, the reason its previous run ended
 * @param message a sentence for humans, e.g. the app's fatal console line
 * @param restarts how often the restart policy booted the instance again
 */
public record InstanceStatus(String id, InstanceState state, Integer exitCode, String reason, String message,
        Accelerator accel, String node, Instant createdAt, Instant startedAt, Instant readyAt, Instant finishedAt,
        int restarts) {

    public static InstanceStatus pending(String id, String node, Instant now) {
        return new InstanceStatus(id, InstanceState.Pending, null, null, null, null, node, now, null, null, null, 0);
    }

    public InstanceStatus booting(Accelerator accelerator, Instant now) {
        return new InstanceStatus(id, InstanceState.Booting, null, null, null, accelerator, node, createdAt, now, null, null, restarts);
    }

    public InstanceStatus running(Instant now) {
        return new InstanceStatus(id, InstanceState.Running, null, null, null, accel, node, createdAt, startedAt, now, null, restarts);
    }

    public InstanceStatus finished(InstanceState end, Integer code, String why, String text, Instant now) {
        return new InstanceStatus(id, end, code, why, text, accel, node, createdAt, startedAt, readyAt, now, restarts);
    }

    /** This status in a later run of the instance: its restart count, first creation, and the last end's reason when it has none. */
    public InstanceStatus restarted(int count, Instant firstCreatedAt, String lastReason, String lastMessage) {
        boolean keep = reason != null || count == 0;
        return new InstanceStatus(id, state, exitCode, keep ? reason : lastReason, keep ? message : lastMessage, accel, node,
                firstCreatedAt, startedAt, readyAt, finishedAt, count);
    }

    /** Waiting {@code delay} before the next run (state {@code Pending}, reason {@code BackOff}). */
    public InstanceStatus backingOff(String text, Instant now) {
        return new InstanceStatus(id, InstanceState.Pending, exitCode, "BackOff", text, accel, node, createdAt, startedAt, readyAt,
                now, restarts);
    }
}
