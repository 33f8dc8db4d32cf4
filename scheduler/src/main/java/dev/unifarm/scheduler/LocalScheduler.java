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
    private final Lifecycle lifecycle;
    private final Clock clock;
    private final Map<String, Supervisor> live = new ConcurrentHashMap<>();

    public LocalScheduler(Accelerator accel, String node, Duration stopGrace, Clock clock) {
        this(accel, node, Lifecycle.defaults(stopGrace), clock);
    }

    public LocalScheduler(Accelerator accel, String node, Lifecycle lifecycle, Clock clock) {
        this.accel = accel;
        this.node = node;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    public static LocalScheduler onThisHost(Duration stopGrace) {
        return onThisHost(Lifecycle.defaults(stopGrace));
    }

    public static LocalScheduler onThisHost(Lifecycle lifecycle) {
        return new LocalScheduler(AcceleratorProbe.detect(), hostName(), lifecycle, Clock.systemUTC());
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
        return start(request, listener, RestartPolicy.Never);
    }

    /** As {@link #start(LaunchRequest, InstanceListener)}, booting it again as {@code policy} says when it ends by itself. */
    public InstanceStatus start(LaunchRequest request, InstanceListener listener, RestartPolicy policy) {
        prepareDir(request);
        // Ids are unique while live (checked below), so an ended instance removes only itself.
        InstanceListener untrackOnEnd = status -> {
            if (status.state().isTerminal()) {
                live.remove(status.id()); // first, so a throwing listener cannot keep it "live"
            }
            listener.changed(status);
        };
        Supervisor instance = new Supervisor(request.instanceId(), policy, lifecycle.backoff(), untrackOnEnd, clock,
                runListener -> new QemuInstance(request, accel, node, runListener, clock, lifecycle));
        if (live.putIfAbsent(request.instanceId(), instance) != null) {
            throw new IllegalArgumentException("instance " + request.instanceId() + " is already live");
        }
        try {
            return instance.start();
        } catch (IOException e) {
            live.remove(request.instanceId(), instance);
            throw new UncheckedIOException("cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), e);
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
        return Optional.ofNullable(live.get(id)).map(Supervisor::status);
    }

    /** The in-memory console of a live instance; ended instances keep theirs in {@code console.log}. */
    public Optional<List<String>> console(String id) {
        return Optional.ofNullable(live.get(id)).map(i -> i.console().lines());
    }

    /**
     * Stops a live instance (powerdown, quit, kill: {@link StopSequence}; a pending restart is cancelled)
     * and waits (bounded) for QEMU to go; false when it was not live.
     */
    public boolean stop(String id) {
        Supervisor instance = live.get(id);
        if (instance == null) {
            return false;
        }
        instance.stop();
        return true;
    }

    /** The backoff delays before each restart of a live instance so far (empty when none or not live). */
    public List<Duration> restartDelays(String id) {
        return Optional.ofNullable(live.get(id)).map(Supervisor::delays).orElse(List.of());
    }

    public Lifecycle lifecycle() {
        return lifecycle;
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
