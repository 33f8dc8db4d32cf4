package dev.unifarm.api.instances;

import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceState;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An instance as the API shows it; boot latency is {@code readyAt - startedAt}. */
@Schema(description = "One run of an app's image in a VM")
public record Instance(
        @Schema(description = "The instance's id")
        String id,
        @Schema(description = "The app it runs")
        String app,
        @Schema(description = "The revision whose image it runs")
        int revision,
        @Schema(description = "Lifecycle state")
        InstanceState state,
        @Schema(description = "The app's exit code once it ended by itself; null otherwise")
        Integer exitCode,
        @Schema(description = "How often the restart policy restarted it")
        int restarts,
        @Schema(description = "Why it is in its state, a stable word such as BootTimeout, StartFailed or UnhandledException (the diagnosis); null when there is nothing to say")
        String reason,
        @Schema(description = "What happened, in words")
        String message,
        @Schema(description = "host:port of the app's forwarded port while it runs; null for an app without a port")
        String endpoint,
        @Schema(description = "The accelerator QEMU runs it with: kvm or tcg")
        String accel,
        @Schema(description = "The node it runs on")
        String node,
        @Schema(description = "When it was requested")
        Instant createdAt,
        @Schema(description = "When its VM started")
        Instant startedAt,
        @Schema(description = "When it was ready (boot latency is readyAt - startedAt)")
        Instant readyAt,
        @Schema(description = "When it ended")
        Instant finishedAt,
        @Schema(description = "What its QEMU runs under while it is live in local mode (uid, seccomp sandbox, cgroup limits); null otherwise",
                nullable = true)
        InstanceContainment containment,
        @Schema(description = "How it began: boot (its kernel booted) or restore (the gateway restored its revision's memory snapshot)",
                enumeration = {"boot", "restore"})
        String activation) {

    public static final String BOOT = "boot";
    public static final String RESTORE = "restore";

    /** An instance as recorded: what it ran under is known only while it runs. */
    public Instance(String id, String app, int revision, InstanceState state, Integer exitCode, int restarts, String reason, String message,
            String endpoint, String accel, String node, Instant createdAt, Instant startedAt, Instant readyAt, Instant finishedAt,
            String activation) {
        this(id, app, revision, state, exitCode, restarts, reason, message, endpoint, accel, node, createdAt, startedAt, readyAt, finishedAt,
                null, activation);
    }

    public Instance withContainment(Confinement confinement) {
        return new Instance(id, app, revision, state, exitCode, restarts, reason, message, endpoint, accel, node, createdAt, startedAt, readyAt,
                finishedAt, InstanceContainment.of(confinement), activation);
    }
}
