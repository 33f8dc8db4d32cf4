package dev.unifarm.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Runs instances as QEMU processes on this host. Entry point of the scheduler: {@link #start},
 * {@link #stop}, and read access to live instances' status and console.
 */
public final class LocalScheduler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalScheduler.class);

    private final Accelerator accel;
    private final String node;
    private final Duration stopGrace;
    private final Clock clock;
    private final Map<String, QemuInstance> live = new ConcurrentHashMap<>();
    private final Admission admission;

    public LocalScheduler(Accelerator accel, String node, Duration stopGrace, Clock clock) {
        this(accel, node, stopGrace, clock, Capacity.ofHost());
    }

    public LocalScheduler(Accelerator accel, String node, Duration stopGrace, Clock clock, Capacity capacity) {
        this.accel = accel;
        this.node = node;
        this.stopGrace = stopGrace;
        this.clock = clock;
        this.admission = new Admission(capacity);
    }

    public static LocalScheduler onThisHost(Duration stopGrace) {
        return onThisHost(stopGrace, Capacity.ofHost());
    }

    public static LocalScheduler onThisHost(Duration stopGrace, Capacity capacity) {
        return new LocalScheduler(AcceleratorProbe.detect(), hostName(), stopGrace, Clock.systemUTC(), capacity);
    }

    public Capacity capacity() {
        return admission.capacity();
    }

    public Accelerator accelerator() {
        return accel;
    }

    public String node() {
        return node;
    }

    /**
     * Boots the instance when the capacity has room for it, else queues it (FIFO) as {@code Pending}
     * with reason {@code WaitingForCapacity} until instances end or finish booting; one that could
     * never fit ends {@code Failed}/{@code Unschedulable} at once. The listener hears every state
     * change, the last one terminal. Returns the status once QEMU is started ({@code Booting}), or the
     * {@code Pending} / {@code Failed} status.
     */
    public InstanceStatus start(LaunchRequest request, InstanceListener listener) {
        prepareDir(request);
        String id = request.instanceId();
        // Ids are unique while live (checked below), so an ended instance removes only itself.
        InstanceListener tracking = status -> {
            if (status.state().isTerminal()) {
                live.remove(status.id()); // first, so a throwing listener cannot keep it "live"
            }
            try {
                listener.changed(status);
            } finally {
                if (status.state().isTerminal()) {
                    launchAll(admission.release(status.id()));
                } else if (status.state() == InstanceState.Running) {
                    launchAll(admission.booted(status.id()));
                }
            }
        };
        QemuInstance instance = new QemuInstance(request, accel, node, tracking, clock);
        if (live.putIfAbsent(id, instance) != null) {
            throw new IllegalArgumentException("instance " + id + " is already live");
        }
        Admission.Need need = admission.need(id, request.memoryMiB());
        var never = admission.neverFits(need);
        if (never.isPresent()) {
            instance.endUnstarted(InstanceState.Failed, "Unschedulable", "cannot run on " + node + ": " + never.get());
            return instance.status();
        }
        if (!admission.offer(need)) {
            String message = admission.waitingMessage(need);
            LOG.infof("instance %s is pending: %s", id, message);
            instance.waitForCapacity(message);
            return instance.status();
        }
        try {
            instance.start();
        } catch (IOException e) {
            // start() published Failed, which released the admission
            throw new UncheckedIOException("cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), e);
        }
        return instance.status();
    }

    /** Starts instances the admission just let in (on the thread of the instance that made room). */
    private void launchAll(List<Admission.Need> admitted) {
        for (Admission.Need need : admitted) {
            QemuInstance instance = live.get(need.id());
            if (instance == null) {
                launchAll(admission.release(need.id()));
                continue;
            }
            try {
                instance.start();
            } catch (IOException e) {
                LOG.errorf("instance %s could not start: %s", need.id(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.errorf(e, "instance %s could not start", need.id());
            }
        }
    }

    private static void prepareDir(LaunchRequest request) {
        SocketPaths.forConnecting(request.instanceDir().resolve(QemuInstance.QMP_SOCKET));
        try {
            Files.createDirectories(request.instanceDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<InstanceStatus> status(String id) {
        return Optional.ofNullable(live.get(id)).map(QemuInstance::status);
    }

    /** The in-memory console of a live instance; ended instances keep theirs in {@code console.log}. */
    public Optional<List<String>> console(String id) {
        return Optional.ofNullable(live.get(id)).map(i -> i.console().lines());
    }

    /** Stops a live instance and waits (bounded) for QEMU to go; false when it was not live. */
    public boolean stop(String id) {
        QemuInstance instance = live.get(id);
        if (instance == null) {
            return false;
        }
        if (admission.withdraw(id)) {
            instance.endUnstarted(InstanceState.Stopped, "Stopped", "stopped on request before it started");
            return true;
        }
        instance.stop(stopGrace);
        return true;
    }

    public int liveCount() {
        return live.size();
    }

    /**
     * Stops every instance: the farm is shutting down and must not leave QEMU processes behind.
     * Waiting instances go first, so stopping a running one does not start them.
     */
    @Override
    public void close() {
        List<String> ids = List.copyOf(live.keySet());
        ids.stream().filter(admission::isWaiting).forEach(this::stop);
        List.copyOf(live.keySet()).forEach(this::stop);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
