package dev.unifarm.scheduler;

import java.time.Instant;

/**
 * An instance as the scheduler sees it; every transition produces a new value.
 *
 * @param exitCode the app's exit code, or 128+signal when it was killed, null while unknown
 * @param reason a short CamelCase word for why the instance is in its state (e.g. {@code Completed})
 * @param message a sentence for humans, e.g. the app's fatal console line
 * @param endpoint {@code 127.0.0.1:<host port>} forwarded to the app's port, or null for an app without one
 */
public record InstanceStatus(String id, InstanceState state, Integer exitCode, String reason, String message,
        Accelerator accel, String node, Instant createdAt, Instant startedAt, Instant readyAt, Instant finishedAt,
        String endpoint) {

    public static InstanceStatus pending(String id, String node, Instant now) {
        return new InstanceStatus(id, InstanceState.Pending, null, null, null, null, node, now, null, null, null, null);
    }

    /** Still {@code Pending}, with why (e.g. {@code WaitingForCapacity}) and a sentence saying what it waits for. */
    public InstanceStatus waiting(String why, String text) {
        return new InstanceStatus(id, InstanceState.Pending, null, why, text, null, node, createdAt, null, null, null, endpoint);
    }

    public InstanceStatus booting(Accelerator accelerator, Instant now) {
        return new InstanceStatus(id, InstanceState.Booting, null, null, null, accelerator, node, createdAt, now, null, null, endpoint);
    }

    public InstanceStatus running(Instant now) {
        return new InstanceStatus(id, InstanceState.Running, null, null, null, accel, node, createdAt, startedAt, now, null, endpoint);
    }

    public InstanceStatus finished(InstanceState end, Integer code, String why, String text, Instant now) {
        return new InstanceStatus(id, end, code, why, text, accel, node, createdAt, startedAt, readyAt, now, endpoint);
    }

    public InstanceStatus withEndpoint(String hostPort) {
        return new InstanceStatus(id, state, exitCode, reason, message, accel, node, createdAt, startedAt, readyAt, finishedAt, hostPort);
    }
}
