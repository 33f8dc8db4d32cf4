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

    public LocalScheduler(Accelerator accel, String node, Duration stopGrace, Clock clock) {
        this.accel = accel;
        this.node = node;
        this.stopGrace = stopGrace;
        this.clock = clock;
    }

    public static LocalScheduler onThisHost(Duration stopGrace) {
        return new LocalScheduler(AcceleratorProbe.detect(), hostName(), stopGrace, Clock.systemUTC());
    }

    public Accelerator accelerator() {
        return accel;
    }

    public String node() {
        return node;
    }

    /**
     * Boots the instance; the listener hears every state change, the last one terminal. Returns the
     * status once QEMU is started ({@code Booting}).
     */
    public InstanceStatus start(LaunchRequest request, InstanceListener listener) {
        prepareDir(request);
        // Ids are unique while live (checked below), so an ended instance removes only itself.
        InstanceListener untrackOnEnd = status -> {
            if (status.state().isTerminal()) {
                live.remove(status.id()); // first, so a throwing listener cannot keep it "live"
            }
            listener.changed(status);
        };
        QemuInstance instance = new QemuInstance(request, accel, node, untrackOnEnd, clock);
        if (live.putIfAbsent(request.instanceId(), instance) != null) {
            throw new IllegalArgumentException("instance " + request.instanceId() + " is already live");
        }
        try {
            instance.start();
        } catch (IOException e) {
            live.remove(request.instanceId(), instance);
            throw new UncheckedIOException("cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), e);
        }
        return instance.status();
    }

    /**
     * Supervises again a QEMU a previous farm process started (see {@link Adoption}): when the
     * instance dir's QEMU is alive, ours and answers QMP with {@code running}, it is tracked as live
     * with its recorded status, its console followed, and it can be stopped like any other; the
     * listener hears its later changes. Otherwise nothing is tracked and the finding says why (the
     * caller cleans up: {@link Adoption#kill}).
     */
    public Adoption.Finding adopt(AdoptRequest request, InstanceListener listener) {
        Adoption.Finding finding = Adoption.inspect(request.instanceDir());
        if (!finding.adoptable()) {
            return finding;
        }
        QemuInstance instance = QemuInstance.adopted(request, finding.qemu().orElseThrow(), untrackOnEnd(listener), clock);
        if (live.putIfAbsent(request.instanceId(), instance) != null) {
            throw new IllegalArgumentException("instance " + request.instanceId() + " is already live");
        }
        instance.followInBackground();
        LOG.infof("adopted instance %s (QEMU pid %d)", request.instanceId(), finding.qemu().get().pid());
        return finding;
    }

    private InstanceListener untrackOnEnd(InstanceListener listener) {
        return status -> {
            if (status.state().isTerminal()) {
                live.remove(status.id()); // first, so a throwing listener cannot keep it "live"
            }
            listener.changed(status);
        };
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
        instance.stop(stopGrace);
        return true;
    }

    public int liveCount() {
        return live.size();
    }

    /** Stops every instance: the farm is shutting down and must not leave QEMU processes behind. */
    @Override
    public void close() {
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
