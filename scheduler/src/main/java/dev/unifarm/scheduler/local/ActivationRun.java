package dev.unifarm.scheduler.local;

import dev.unifarm.imager.model.CommandLineKind;
import dev.unifarm.imager.model.ResumeProtocol;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.qmp.QmpClient;
import dev.unifarm.scheduler.qmp.QmpMonitor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * What one run does beyond a boot because of its {@link Activation} (docs/instances.md, "Snapshots"): a snapshot
 * run takes its snapshot once Running ({@link SnapshotTaker}) and quits; a restore run loads and resumes its
 * guest ({@link RestoreSequence}) before the readiness probe. Each works on a thread of its own and completes
 * an outcome the run's end then reads ({@link #end}): it decides the end instead of {@link RunEnd} once it began.
 */
final class ActivationRun {

    private static final Logger LOG = Logger.getLogger(ActivationRun.class);
    /** The reason of a snapshot run whose snapshot could not be taken. */
    static final String SNAPSHOT_FAILED = "SnapshotFailed";

    private final String id;
    private final Activation activation;
    private final Path dir;
    private final Clock clock;
    private final Duration bound;
    /** Completes with null on success, else with what went wrong; unfinished until the step began. */
    private final CompletableFuture<String> outcome = new CompletableFuture<>();
    private volatile boolean began;
    private volatile String taken;

    ActivationRun(String id, Activation activation, Path dir, Clock clock, Duration bound) {
        this.id = id;
        this.activation = activation;
        this.dir = dir;
        this.clock = clock;
        this.bound = bound;
    }

    /** Why {@code request} cannot begin as it asks (a snapshot or restore of an image without the resume helper), or null. */
    static String refusal(LaunchRequest request) {
        if (request.activation() instanceof Activation.Boot) {
            return null;
        }
        var boot = request.image().manifest().boot();
        String what = "a " + request.activation().mode() + " run needs ";
        if (boot.commandLineKind() != CommandLineKind.LINUX) {
            return what + "a linux-profile image, not " + boot.commandLineKind().configName();
        }
        if (!boot.resumeHelper()) {
            return what + "an image with the guest resume helper (" + ResumeProtocol.HELPER + ", boot.resumeHelper): rebuild the image";
        }
        return request.port() > 0 ? null : what + "an app with a port: its readiness answer is what makes it worth a snapshot";
    }

    boolean restores() {
        return activation instanceof Activation.Restore;
    }

    boolean snapshots() {
        return activation instanceof Activation.Snapshot;
    }

    /** Runs {@code probe} (the readiness probe) now, or for a restore once the guest is restored; on failure, {@code stopQemu}. */
    void thenProbe(QmpMonitor qmp, BooleanSupplier alive, Runnable stopQemu, Runnable probe) {
        if (restores()) {
            restoreInBackground(qmp, alive, probe, stopQemu);
        } else {
            probe.run();
        }
    }

    /** The run is Running: a snapshot run takes its snapshot now. */
    void onRunning(QmpMonitor qmp, Confinement qemuAs, Runnable stopQemu) {
        if (snapshots()) {
            snapshotInBackground(qmp, qemuAs, stopQemu);
        }
    }

    private void restoreInBackground(QmpMonitor qmp, BooleanSupplier alive, Runnable resumed, Runnable stopQemu) {
        began = true;
        long waitingSince = System.nanoTime();
        inBackground("restore-", () -> {
            QmpClient client = awaitClient(qmp, alive);
            long connected = System.nanoTime();
            RestoreSequence.Timings timings = RestoreSequence.run(client, dir, clock, bound);
            LOG.infof("%s: restored: QMP up %d ms after QEMU started, %s", id,
                    (connected - waitingSince) / 1_000_000, timings.describe());
            outcome.complete(null);
            resumed.run();
        }, stopQemu);
    }

    /** Takes the snapshot of the ready guest, then quits QEMU; on failure, {@code stopQemu}. */
    private void snapshotInBackground(QmpMonitor qmp, Confinement qemuAs, Runnable stopQemu) {
        began = true;
        inBackground("snapshot-", () -> {
            QmpClient client = awaitClient(qmp, () -> true);
            taken = SnapshotTaker.take(client, dir, qemuAs, bound).describe();
            LOG.infof("%s: %s", id, taken);
            outcome.complete(null);
            try {
                client.execute("quit");
            } catch (IOException e) {
                stopQemu.run(); // the snapshot is written; QEMU only has to go
            }
        }, stopQemu);
    }

    private interface Step {
        void run() throws IOException;
    }

    private void inBackground(String prefix, Step step, Runnable stopQemu) {
        Thread thread = new Thread(() -> {
            try {
                step.run();
            } catch (IOException | RuntimeException e) {
                LOG.warnf("%s: %s failed: %s", id, activation.mode(), e.getMessage());
                outcome.complete(e.getMessage() == null ? e.toString() : e.getMessage());
                stopQemu.run();
            }
        }, prefix + id);
        thread.setDaemon(true);
        thread.start();
    }

    private QmpClient awaitClient(QmpMonitor qmp, BooleanSupplier alive) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline && alive.getAsBoolean()) {
            try {
                return qmp.connected().get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not yet
            } catch (ExecutionException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IOException("no QMP connection to QEMU");
    }

    /**
     * The run's end when its activation decides it: a snapshot run that began its snapshot ends
     * {@code Succeeded}/{@link Activation#SNAPSHOTTED} or {@code Failed}/{@link #SNAPSHOT_FAILED}; a restore whose
     * guest did not resume ends {@code Failed}/{@link Activation#RESTORE_FAILED} (unless a stop asked for came
     * first), quoting QEMU's last log lines. Empty: {@link RunEnd} decides.
     */
    Optional<InstanceStatus> end(InstanceStatus status, boolean stopRequested, String qemuLogTail, Instant now) {
        if (activation instanceof Activation.Boot || (snapshots() && !began)) {
            return Optional.empty();
        }
        String failure;
        try {
            failure = began ? outcome.get(bound.toMillis(), TimeUnit.MILLISECONDS) : "QEMU ended before its guest was restored";
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            failure = "the " + activation.mode() + " did not report within " + bound;
        }
        if (snapshots()) {
            return Optional.of(failure == null ? status.finished(InstanceState.Succeeded, null, Activation.SNAPSHOTTED, taken, now)
                    : status.finished(InstanceState.Failed, null, SNAPSHOT_FAILED, "the snapshot failed: " + failure + "; QEMU: "
                            + qemuLogTail, now));
        }
        if (failure == null || (stopRequested && !began)) {
            return Optional.empty();
        }
        return Optional.of(status.finished(InstanceState.Failed, null, Activation.RESTORE_FAILED, "the restore failed: " + failure
                + "; QEMU: " + qemuLogTail, now));
    }
}
