package dev.unifarm.scheduler.local;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The boot bound of one run: armed when QEMU starts, disarmed by the app's first line (or the run's
 * end); if neither comes within the bound, {@code onExpired} runs once. Without it a guest that never
 * gets to the app (a KVM that cannot run it, a kernel that halts without exiting) stays
 * {@code Booting} for ever, holding its vCPU.
 */
final class BootBound implements AutoCloseable {

    private final Duration bound;
    private final Runnable onExpired;
    private ScheduledFuture<?> armed;
    private boolean closed;

    BootBound(Duration bound, Runnable onExpired) {
        this.bound = bound;
        this.onExpired = onExpired;
    }

    Duration bound() {
        return bound;
    }

    synchronized void arm() {
        if (armed == null && !closed) {
            armed = Watchdog.TIMER.schedule(this::expire, bound.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void expire() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onExpired.run();
    }

    /** The app started, or the run ended: the bound no longer applies. */
    @Override
    public synchronized void close() {
        closed = true;
        if (armed != null) {
            armed.cancel(false);
        }
    }
}
