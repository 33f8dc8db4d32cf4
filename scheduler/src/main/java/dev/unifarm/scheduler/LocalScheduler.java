package dev.unifarm.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        QemuInstance instance = new QemuInstance(request, accel, node, tracking(listener), clock);
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
        QemuInstance instance = QemuInstance.adopted(request, finding.qemu().orElseThrow(), tracking(listener), clock);
        if (live.putIfAbsent(request.instanceId(), instance) != null) {
            throw new IllegalArgumentException("instance " + request.instanceId() + " is already live");
        }
        admission.adopt(admission.need(request.instanceId(), guestMemoryMiB(request.instanceDir())));
        instance.followInBackground();
        LOG.infof("adopted instance %s (QEMU pid %d)", request.instanceId(), finding.qemu().get().pid());
        return finding;
    }

    /**
     * Wraps the caller's listener: an ended instance leaves {@code live} first (ids are unique while
     * live, so it removes only itself, and a throwing listener cannot keep it "live"), and capacity
     * it frees (or a boot slot, once Running) goes to the instances waiting for it.
     */
    private InstanceListener tracking(InstanceListener listener) {
        return status -> {
            if (status.state().isTerminal()) {
                live.remove(status.id());
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
    }

    /** The guest memory an earlier farm gave QEMU ({@code -m NM} in {@code qemu.cmdline}), 0 if unknown. */
    private static int guestMemoryMiB(Path instanceDir) {
        try {
            List<String> words = Files.readAllLines(instanceDir.resolve("qemu.cmdline"));
            int flag = words.indexOf("-m");
            return flag >= 0 && flag + 1 < words.size() ? Integer.parseInt(words.get(flag + 1).replaceAll("M$", "")) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
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
