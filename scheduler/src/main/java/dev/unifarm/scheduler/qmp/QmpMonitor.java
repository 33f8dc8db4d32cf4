package dev.unifarm.scheduler.qmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The QMP connection of one QEMU for its whole life: QEMU serves one QMP client at a time, so this
 * one connection (opened once the socket exists, after {@code qmp_capabilities}) carries both the
 * events, recorded as they come, and the stop sequence's commands ({@link QmpClient} tells replies
 * from events). Guest-initiated events ({@code SHUTDOWN}/{@code RESET} from the guest,
 * {@code GUEST_PANICKED}) are logged and kept, so an end the console does not explain can be named.
 */
public final class QmpMonitor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QmpMonitor.class);
    /**
     * QEMU makes its QMP socket some 40 ms after it starts, before the guest runs; a restore waits for the connection
     * to load its state, so the poll is short (a failed connect to a unix socket costs microseconds).
     */
    private static final long RETRY_MILLIS = 5;
    /** QEMU binds its socket before the guest starts; one that has none by then never will. */
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(60);

    private final String id;
    private final Path socket;
    private final Duration timeout;
    private final List<QmpEvent> events = new ArrayList<>();
    private volatile QmpClient client;
    private final CompletableFuture<QmpClient> connected = new CompletableFuture<>();
    private volatile Consumer<QmpEvent> listener = event -> { };
    private volatile Consumer<QemuGaveUp> gaveUpListener = gaveUp -> { };
    private final AtomicBoolean gaveUpReported = new AtomicBoolean();
    private volatile boolean closed;

    public QmpMonitor(String id, Path socket, Duration timeout) {
        this.id = id;
        this.socket = socket;
        this.timeout = timeout;
    }

    /**
     * Connects in the background: QEMU creates its socket shortly after it starts, so this retries
     * while {@code alive} says QEMU runs, for at most {@code timeout} after the socket first exists
     * (and gives up if no socket appears within a minute).
     */
    public void connectInBackground(BooleanSupplier alive) {
        Thread connector = new Thread(() -> connect(alive), "qmp-" + id);
        connector.setDaemon(true);
        connector.start();
    }

    private void connect(BooleanSupplier alive) {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        boolean seen = false;
        while (!closed && alive.getAsBoolean()) {
            if (Files.exists(socket)) {
                if (!seen) {
                    seen = true;
                    deadline = System.nanoTime() + timeout.toNanos();
                }
                try {
                    QmpClient connected = QmpClient.connect(socket, message -> onEvent(QmpEvent.of(message)), timeout);
                    synchronized (this) {
                        if (closed) {
                            connected.close();
                            return;
                        }
                        client = connected;
                    }
                    this.connected.complete(connected);
                    LOG.debugf("%s: QMP connected", id);
                    // QEMU may have given up on the guest before we connected (KVM fails within milliseconds)
                    checkRunState();
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        LOG.warnf("%s: no QMP connection (%s); events are not recorded, a stop connects on its own", id, e.getMessage());
                        return;
                    }
                }
            }
            if (!seen && System.nanoTime() > deadline) {
                LOG.warnf("%s: QEMU made no QMP socket %s within %s; events are not recorded", id, socket, SOCKET_WAIT);
                return;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Completes with the connection once it is open (never, if it does not open): a caller bounds its wait. */
    public CompletableFuture<QmpClient> connected() {
        return connected;
    }

    /** The open connection, if there is one: commands on it share the event stream. */
    public Optional<QmpClient> client() {
        return Optional.ofNullable(client);
    }

    /**
     * Calls {@code onGaveUp} (once, on a thread of its own) when QEMU has stopped the guest for good
     * ({@link QemuGaveUp}): its run state is read on connecting and after every {@code STOP} or
     * {@code GUEST_PANICKED} event, as QEMU sends {@code STOP} when it pauses a guest on an internal error.
     */
    public void watchRunState(Consumer<QemuGaveUp> onGaveUp) {
        this.gaveUpListener = onGaveUp;
    }

    private void checkRunState() {
        Thread check = new Thread(() -> {
            QmpClient open = client;
            if (open == null || closed || gaveUpReported.get()) {
                return;
            }
            try {
                String state = open.execute("query-status").path("status").asText();
                QemuGaveUp.of(state).filter(g -> gaveUpReported.compareAndSet(false, true)).ifPresent(gaveUp -> {
                    LOG.warnf("%s: QEMU stopped the guest, run state %s", id, state);
                    gaveUpListener.accept(gaveUp);
                });
            } catch (IOException e) {
                LOG.debugf("%s: query-status: %s", id, e.getMessage());
            }
        }, "qmp-state-" + id);
        check.setDaemon(true);
        check.start();
    }

    /** Also hands every later event to {@code listener} (one at a time; null: none), e.g. while a stop runs. */
    public void listen(Consumer<QmpEvent> listener) {
        this.listener = listener != null ? listener : event -> { };
    }

    public synchronized List<QmpEvent> events() {
        return List.copyOf(events);
    }

    /** The guest-initiated events so far, described ({@code SHUTDOWN(guest-shutdown)}), in order. */
    public synchronized List<String> guestEvents() {
        return events.stream().filter(QmpEvent::guestInitiated).map(QmpEvent::describe).toList();
    }

    private void onEvent(QmpEvent event) {
        synchronized (this) {
            events.add(event);
        }
        if (event.guestInitiated()) {
            LOG.infof("%s: guest %s", id, event.describe());
        } else {
            LOG.debugf("%s: QMP event %s", id, event.describe());
        }
        listener.accept(event);
        if (event.name().equals("STOP") || event.name().equals("GUEST_PANICKED")) {
            checkRunState(); // not on the reader's thread: the reply would come to this very thread
        }
    }

    /**
     * After QEMU exited: lets the reader hand on what QEMU wrote before it went (its last
     * {@code SHUTDOWN}), for at most {@code wait}, then closes.
     */
    public void drainAndClose(Duration wait) {
        QmpClient open = client;
        if (open != null) {
            try {
                open.awaitEnd(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    @Override
    public void close() {
        QmpClient open;
        synchronized (this) {
            closed = true;
            open = client;
        }
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                LOG.debugf("%s: closing QMP: %s", id, e.getMessage());
            }
        }
    }
}
