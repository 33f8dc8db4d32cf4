package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.restart.RestartSchedule;
import dev.unifarm.scheduler.console.ConsoleBuffer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One instance id across its runs: boots it (a {@link QemuInstance} per run), and when a run ends by
 * itself and its {@link RestartSchedule} says so, boots the same image again after the backoff
 * delay, under the same id and dir. Every status the listener hears carries the restart count; a
 * terminal one is the instance's end. A stop request cancels a pending restart.
 *
 * <p>Every run, the first and each restart, is handed to the {@link RunStarter} (the scheduler's capacity
 * admission), which starts its QEMU now or leaves it {@code Pending}/{@code WaitingForCapacity} until
 * {@link #startAdmitted()}. While it backs off ({@code Pending}/{@code BackOff}) an instance holds no
 * capacity: the scheduler releases it on that status and the restart offers it again.
 */
final class Supervisor {

    /** Starts a run's QEMU when capacity admits it, else leaves it waiting; returns the run's status. */
    @FunctionalInterface
    interface RunStarter {
        InstanceStatus launch(QemuInstance run) throws IOException;
    }

    /** Starts every run at once (no capacity limit). */
    static final RunStarter IMMEDIATE = run -> {
        run.start();
        return run.status();
    };

    private static final Logger LOG = Logger.getLogger(Supervisor.class);
    private static final ScheduledExecutorService RESTARTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "restarts");
        thread.setDaemon(true);
        return thread;
    });

    private final String id;
    private final RestartSchedule schedule;
    private final InstanceListener listener;
    private final Clock clock;
    private final Function<InstanceListener, QemuInstance> runs;
    private final RunStarter starter;
    private volatile QemuInstance current;
    private volatile InstanceStatus last;
    private Instant createdAt;
    private int restarts;
    private ScheduledFuture<?> pending;
    private boolean stopRequested;
    private boolean booted;
    private String lastReason;
    private String lastMessage;

    Supervisor(String id, RestartPolicy policy, Backoff backoff, InstanceListener listener, Clock clock,
            Function<InstanceListener, QemuInstance> runs) {
        this(id, policy, backoff, listener, clock, runs, IMMEDIATE);
    }

    Supervisor(String id, RestartPolicy policy, Backoff backoff, InstanceListener listener, Clock clock,
            Function<InstanceListener, QemuInstance> runs, RunStarter starter) {
        this.starter = starter;
        this.id = id;
        this.schedule = new RestartSchedule(policy, backoff);
        this.listener = listener;
        this.clock = clock;
        this.runs = runs;
    }

    /** Boots the first run (through the starter); returns its status once QEMU is started, or it waits. */
    InstanceStatus start() throws IOException {
        QemuInstance run = runs.apply(this::onRun);
        current = run;
        starter.launch(run); // a QEMU that cannot be started at all is the caller's error, not restarted
        synchronized (this) {
            booted = true;
        }
        return last;
    }

    /**
     * Supervises a run that already runs: a QEMU a previous farm process started (the run made by
     * {@code runs} is {@link QemuInstance#adopted}). Its recorded status, including its restart count,
     * is kept; the policy applies to its end like to any run's.
     */
    synchronized void adopt() {
        QemuInstance run = runs.apply(this::onRun);
        current = run;
        last = run.status();
        createdAt = last.createdAt();
        restarts = last.restarts();
        booted = true;
        run.followInBackground();
    }

    /** Starts the current run, which waited for capacity and is admitted now. */
    void startAdmitted() throws IOException {
        current.start();
    }

    /** Ends the current run, which waited for capacity and never started, as stopped on request. */
    void stopWaiting(String message) {
        synchronized (this) {
            stopRequested = true;
        }
        current.endUnstarted(InstanceState.Stopped, "Stopped", message);
    }

    InstanceStatus status() {
        return last;
    }

    /** What the current run's QEMU runs under; empty before it started. */
    java.util.Optional<Confinement> confinement() {
        return current.confinement();
    }

    ConsoleBuffer console() {
        return current.console();
    }

    /** The delays before each restart so far, in order. */
    List<Duration> delays() {
        return schedule.delays();
    }

    /** Stops the current run (see {@link QemuInstance#stop(Duration, String)}), or cancels the restart it is waiting for. */
    void stop(Duration powerdownWait) {
        stop(powerdownWait, StopControl.ON_REQUEST);
    }

    /** {@link #stop(Duration)}; the Stopped end's message starts with {@code stoppedBy}. */
    void stop(Duration powerdownWait, String stoppedBy) {
        QemuInstance run;
        synchronized (this) {
            stopRequested = true;
            if (pending != null && pending.cancel(false)) {
                pending = null;
                LOG.infof("%s: stop requested while waiting to restart; restart cancelled", id);
                publish(last.finished(InstanceState.Stopped, last.exitCode(), "Stopped",
                        stoppedBy + " while waiting to restart (restart cancelled); last run: " + last.message(), clock.instant()));
                return;
            }
            run = current;
        }
        run.stop(powerdownWait, stoppedBy);
    }

    /** Hears the current run's statuses. */
    private synchronized void onRun(InstanceStatus status) {
        if (createdAt == null) {
            createdAt = status.createdAt();
        }
        InstanceStatus seen = status.restarted(restarts, createdAt, lastReason, lastMessage);
        if (!seen.state().isTerminal() || stopRequested || !booted || !schedule.restarts(seen.state())) {
            publish(seen);
            return;
        }
        RestartSchedule.Restart next = schedule.next(seen.startedAt(), seen.finishedAt());
        String loop = next.crashLoop() ? "crash loop: " : "";
        Duration delay = next.delay();
        RestartPolicy policy = schedule.policy();
        String ended = seen.state() + "/" + seen.reason() + ": " + seen.message();
        LOG.infof("%s ended %s; %srestart %d (policy %s) in %s", id, ended, loop, restarts + 1, policy, delay);
        lastReason = seen.reason();
        lastMessage = "restart " + (restarts + 1) + " after " + ended;
        publish(seen.backingOff(loop + "restart " + (restarts + 1) + " in " + delay + " (policy " + policy + ") after " + ended,
                clock.instant()));
        pending = RESTARTS.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Under the lock, so a stop cannot slip between creating the run and starting its QEMU (a quick spawn). */
    private synchronized void restart() {
        if (stopRequested) {
            return;
        }
        pending = null;
        restarts++;
        QemuInstance run = runs.apply(this::onRun);
        current = run;
        try {
            starter.launch(run); // through admission again: the backoff released this instance's capacity
        } catch (IOException e) {
            // the run published Failed/StartFailed, which the policy handles like any failure
            LOG.warnf("%s: restart %d could not start QEMU: %s", id, restarts, e.getMessage());
        }
    }

    private void publish(InstanceStatus status) {
        last = status;
        listener.changed(status);
    }
}
