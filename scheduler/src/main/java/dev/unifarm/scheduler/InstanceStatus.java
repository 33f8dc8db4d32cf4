package dev.unifarm.scheduler;

import java.time.Instant;

/**
 * An instance as the scheduler sees it; every transition produces a new value.
 *
 * @param exitCode the app's exit code, or 128+signal when it was killed, null while unknown
 * @param reason a short CamelCase word for why the instance is in its state (e.g. {@code Completed});
 *     after a restart, until the new run ends, the reason its previous run ended
 * @param message a sentence for humans, e.g. the app's fatal console line
 * @param endpoint {@code 127.0.0.1:<host port>} forwarded to the app's port, or null for an app without one
 * @param restarts how often the restart policy booted the instance again
 */
public record InstanceStatus(String id, InstanceState state, Integer exitCode, String reason, String message,
        Accelerator accel, String node, Instant createdAt, Instant startedAt, Instant readyAt, Instant finishedAt,
        String endpoint, int restarts) {

    public static InstanceStatus pending(String id, String node, Instant now) {
        return new InstanceStatus(id, InstanceState.Pending, null, null, null, null, node, now, null, null, null, null, 0);
    }

    /** Still {@code Pending}, with why (e.g. {@code WaitingForCapacity}) and a sentence saying what it waits for. */
    public InstanceStatus waiting(String why, String text) {
        return new InstanceStatus(id, InstanceState.Pending, null, why, text, null, node, createdAt, null, null, null, endpoint,
                restarts);
    }

    public InstanceStatus booting(Accelerator accelerator, Instant now) {
        return new InstanceStatus(id, InstanceState.Booting, null, null, null, accelerator, node, createdAt, now, null, null, endpoint,
                restarts);
    }

    public InstanceStatus running(Instant now) {
        return new InstanceStatus(id, InstanceState.Running, null, null, null, accel, node, createdAt, startedAt, now, null, endpoint,
                restarts);
    }

    public InstanceStatus finished(InstanceState end, Integer code, String why, String text, Instant now) {
        return new InstanceStatus(id, end, code, why, text, accel, node, createdAt, startedAt, readyAt, now, endpoint, restarts);
    }

    public InstanceStatus withEndpoint(String hostPort) {
        return new InstanceStatus(id, state, exitCode, reason, message, accel, node, createdAt, startedAt, readyAt, finishedAt, hostPort,
                restarts);
    }

    /** This status in a later run of the instance: its restart count, first creation, and the last end's reason when it has none. */
    public InstanceStatus restarted(int count, Instant firstCreatedAt, String lastReason, String lastMessage) {
        boolean keep = reason != null || count == 0;
        return new InstanceStatus(id, state, exitCode, keep ? reason : lastReason, keep ? message : lastMessage, accel, node,
                firstCreatedAt, startedAt, readyAt, finishedAt, endpoint, count);
    }

    /** Waiting {@code delay} before the next run (state {@code Pending}, reason {@code BackOff}). */
    public InstanceStatus backingOff(String text, Instant now) {
        return new InstanceStatus(id, InstanceState.Pending, exitCode, "BackOff", text, accel, node, createdAt, startedAt, readyAt,
                now, endpoint, restarts);
    }
}
