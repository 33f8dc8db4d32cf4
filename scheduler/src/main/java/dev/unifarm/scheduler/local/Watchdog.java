package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.coverage.NeedsConsole;
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

    /**
     * The app's and the loader's last words and a kernel that stopped: CoreCLR's and its host's
     * ({@code Unhandled Exception}, {@code HRESULT}), app-elfloader's fatal loader errors, Unikraft's
     * critical level ({@code CRIT:}, printed before it gives up: {@code Mem init failed}) and its halt.
     * Not a kernel log level as such: app-elfloader 0.16 prints {@code ERR:  [libposix_process] …
     * Ignore updating resource 7} on every .NET start (a prlimit it ignores), and the run goes on.
     */
    static final Pattern FATAL = Pattern.compile("Unhandled Exception|HRESULT"
            + "|Failed to execute|ELF executable is not position-independent|Failed to load program interpreter"
            + "|Parsing of ELF image failed"
            + "|\\bCRIT:|Unikraft halted");

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
        // a needs sweep's verdict lines quote the failures its trials provoke on purpose; the app itself never hangs there
        return FATAL.matcher(line).find() && !NeedsConsole.isVerdict(line);
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
