package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.qmp.QemuGaveUp;
import dev.unifarm.scheduler.qmp.QmpMonitor;
import dev.unifarm.scheduler.qmp.SocketPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One run's {@link StopSequence}, run at most once: on request (a caller waits for it) or in the
 * background when the run cannot end by itself (its {@link Watchdog} fired, its {@link BootBound}
 * passed, QEMU gave up, the app ended but the VM stays on). Keeps who asked, why, with which timings,
 * and the outcome the run's end then reads ({@link #outcomeIfRun()}).
 */
final class StopControl {

    private static final Logger LOG = Logger.getLogger(StopControl.class);
    static final String ON_REQUEST = "stopped on request";

    private final String id;
    private final Lifecycle lifecycle;
    private final Path qmpSocket;
    /** QEMU's process (null until it started) and the run's QMP connection (null until followed). */
    private final Supplier<ProcessHandle> qemu;
    private final Supplier<QmpMonitor> qmp;
    private final CompletableFuture<StopSequence.Outcome> outcome = new CompletableFuture<>();
    /** The lifecycle's timings, or those of the stop that asked for a longer (or no) powerdown wait. */
    private volatile Lifecycle timing;
    private volatile boolean requested;
    /** Who stopped it, the start of a Stopped end's message: a request, or the farm shutting down. */
    private volatile String stoppedBy = ON_REQUEST;
    /** The fatal line after which the watchdog stopped the VM. */
    private volatile String hungLine;
    /** What the instance's message says when the boot bound passed without app output. */
    private volatile String bootTimeout;
    /** QEMU stopped the guest for good (internal error, panic) and was stopped for it. */
    private volatile QemuGaveUp gaveUp;

    StopControl(String id, Lifecycle lifecycle, Path qmpSocket, Supplier<ProcessHandle> qemu, Supplier<QmpMonitor> qmp) {
        this.id = id;
        this.lifecycle = lifecycle;
        this.timing = lifecycle;
        this.qmpSocket = qmpSocket;
        this.qemu = qemu;
        this.qmp = qmp;
    }

    /** Stops QEMU giving the guest {@code powerdownWait} after the power button; returns once it is gone (or the sequence gave up). */
    void request(Duration powerdownWait, String stoppedBy) {
        this.stoppedBy = stoppedBy;
        requested = true;
        timing = lifecycle.withPowerdownWait(powerdownWait);
        run();
    }

    /** A stop was asked for (it then decides the end, not the watchdog or the boot bound). */
    boolean requested() {
        return requested;
    }

    String stoppedBy() {
        return stoppedBy;
    }

    /** The watchdog fired: the VM printed {@code line} and did not end in time. */
    void hung(String line) {
        if (requested) {
            // a stop asked for earlier is under way (e.g. a traced run printing its trace): it decides the end
            return;
        }
        LOG.warnf("%s: no exit within %s of the fatal line \"%s\"; stopping it", id, lifecycle.watchdogGrace(), line);
        hungLine = line;
        inBackground("hung-");
    }

    /** The boot bound passed without app output: stop the VM at once, the end is {@code BootTimeout} saying {@code message}. */
    void bootTimedOut(String message) {
        bootTimeout = message;
        LOG.warnf("%s: %s; stopping it", id, message);
        atOnce("boot-timeout-");
    }

    /** QEMU stopped the guest for good: nothing more will come, so stop QEMU and say why. */
    void gaveUp(QemuGaveUp why) {
        if (requested) {
            return;
        }
        gaveUp = why;
        atOnce("gave-up-");
    }

    /** The app's end line came {@code grace} ago and QEMU still runs: stop it; the end stays the app's. */
    void endedButRunning(Duration grace) {
        ProcessHandle running = qemu.get();
        if (requested || outcome.isDone() || running == null || !running.isAlive()) {
            return;
        }
        LOG.warnf("%s: the app ended (compatibility layer's line) but the VM did not power off within %s; stopping it", id, grace);
        atOnce("ended-");
    }

    String hungLine() {
        return hungLine;
    }

    String bootTimeout() {
        return bootTimeout;
    }

    QemuGaveUp gaveUp() {
        return gaveUp;
    }

    /** Stops QEMU in the background with the lifecycle's timings. */
    private void inBackground(String threadPrefix) {
        Thread stopper = new Thread(this::run, threadPrefix + id);
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Stops QEMU in the background without waiting on the power button (the guest cannot answer it). */
    private void atOnce(String threadPrefix) {
        timing = lifecycle.withPowerdownWait(Duration.ZERO);
        inBackground(threadPrefix);
    }

    private synchronized void run() {
        if (outcome.isDone()) {
            return;
        }
        ProcessHandle process = qemu.get();
        if (process == null) {
            outcome.complete(new StopSequence.Outcome(StopSequence.Step.GONE, List.of("QEMU never started"), List.of()));
            return;
        }
        // by pid: works alike for our child and for an adopted QEMU (see StopSequence)
        outcome.complete(new StopSequence(id, process, SocketPaths.forConnecting(qmpSocket), timing,
                event -> LOG.infof("%s: QMP event %s", id, event.describe()), qmp.get()).run());
    }

    /** The outcome of the run's own stop sequence (bounded wait), or null when none was asked for or it did not report. */
    StopSequence.Outcome outcomeIfRun() {
        if (!requested && hungLine == null && gaveUp == null && bootTimeout == null) {
            return null;
        }
        try {
            Lifecycle wait = timing;
            return outcome.get(wait.powerdownWait().plus(wait.quitWait().multipliedBy(2))
                    .plus(wait.qmpTimeout().multipliedBy(3)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
