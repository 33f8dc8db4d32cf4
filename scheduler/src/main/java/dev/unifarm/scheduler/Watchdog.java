package dev.unifarm.scheduler;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Arms on the first console line with a fatal signature and fires {@code onHung} with that line if
 * the VM has not ended within the grace period (an aborting .NET runtime can hang in the guest: on
 * Unikraft {@code tgkill} is {@code ENOSYS}). {@link #close()} (the VM ended) disarms it.
 */
final class Watchdog implements AutoCloseable {

    /** CoreCLR's and its host's last words, Unikraft's critical log level, app-elfloader's errors. */
    static final Pattern FATAL = Pattern.compile("Unhandled Exception|HRESULT|\\bCRIT\\b|\\bERR:");

    /** One timer thread for every instance's watchdog and {@link BootBound}. */
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final Duration grace;
    private final Consumer<String> onHung;
    private ScheduledFuture<?> armed;
    private boolean closed;

    Watchdog(Duration grace, Consumer<String> onHung) {
        this.grace = grace;
        this.onHung = onHung;
    }

    static boolean isFatal(String line) {
        return FATAL.matcher(line).find();
    }

    synchronized void onLine(String line) {
        if (armed == null && !closed && isFatal(line)) {
            armed = TIMER.schedule(() -> fire(line), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void fire(String line) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onHung.accept(line);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (armed != null) {
            armed.cancel(false);
        }
    }
}
