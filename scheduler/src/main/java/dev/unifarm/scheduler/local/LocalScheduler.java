package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AcceleratorChoice;
import dev.unifarm.scheduler.AcceleratorSetting;
import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.Capacity;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceRequest;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.Scheduler;
import dev.unifarm.scheduler.local.containment.Containment;
import dev.unifarm.scheduler.qmp.SocketPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The {@link Scheduler} of local mode: runs instances as QEMU processes on this host. Entry point of the scheduler: {@link #start},
 * {@link #stop}, and read access to live instances' status and console.
 */
public final class LocalScheduler implements Scheduler {

    private static final Logger LOG = Logger.getLogger(LocalScheduler.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** How a Stopped end's message starts when {@link #close()} stopped it. */
    static final String SHUTDOWN = "stopped by the farm as it shut down";

    private final LocalOptions options;
    private final Accelerator accel;
    private final String node;
    private final Lifecycle lifecycle;
    private final Clock clock;
    private final LiveInstances live;

    /** QEMU as {@code options} say (e.g. {@code LocalOptions.onThisHost(accel)}: this host's defaults). */
    public LocalScheduler(LocalOptions options) {
        this.options = options;
        this.accel = options.accel();
        this.node = options.node();
        this.lifecycle = options.lifecycle();
        this.clock = options.clock();
        this.live = new LiveInstances(node, options.capacity());
    }

    /**
     * The accelerator this host's instances run under, as {@code setting} asks: a test guest is booted
     * under KVM within {@code bound} ({@link AcceleratorProbe}, its files in {@code workDir}).
     */
    public static AcceleratorChoice chooseAccelerator(AcceleratorSetting setting, Duration bound, Path workDir) {
        return AcceleratorProbe.choose(setting, bound, workDir);
    }

    public LocalOptions options() {
        return options;
    }

    public Containment containment() {
        return options.containment();
    }

    public Capacity capacity() {
        return live.capacity();
    }

    public Accelerator accelerator() {
        return accel;
    }

    @Override
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
        return start(request, listener, RestartPolicy.Never);
    }

    /** As {@link #start(LaunchRequest, InstanceListener)}, booting it again as {@code policy} says when it ends by itself. */
    public InstanceStatus start(LaunchRequest request, InstanceListener listener, RestartPolicy policy) {
        prepareDir(request);
        String id = request.instanceId();
        Supervisor instance = new Supervisor(id, policy, lifecycle.backoff(), live.tracking(listener), clock,
                runListener -> new QemuInstance(request, options, runListener),
                run -> live.launch(request, run));
        live.add(id, instance);
        try {
            return instance.start();
        } catch (IOException e) {
            // the run published Failed, which released the admission
            throw new UncheckedIOException("cannot start " + QemuCommand.BINARY + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InstanceStatus start(InstanceRequest request, InstanceListener listener, RestartPolicy policy) {
        return start(request.launch(), listener, policy);
    }

    /**
     * {@link #adopt}; when the QEMU is gone and its console holds the app's exit, that end is recorded
     * ({@link ConsoleEnd}: the guest finished while the farm was down); otherwise kills what is left of
     * it (reason {@code FarmRestarted}). Adopted instances run under policy {@code Never} whatever {@code policy} says:
     * the record keeps no policy.
     */
    @Override
    public Reattachment reattach(AdoptRequest request, InstanceListener listener, RestartPolicy policy) {
        Adoption.Finding finding;
        try {
            finding = adopt(request, listener);
        } catch (RuntimeException e) {
            LOG.warnf(e, "cannot adopt instance %s", request.instanceId());
            finding = new Adoption.Finding(Optional.empty(), false, "adoption failed: " + e.getMessage());
        }
        if (finding.adoptable()) {
            return new Reattachment(true, null, "adopted its running QEMU");
        }
        if (finding.qemu().isEmpty()) {
            Optional<InstanceStatus> end = ConsoleEnd.read(request);
            if (end.isPresent()) {
                InstanceStatus ended = end.get();
                listener.changed(ended.finished(ended.state(), ended.exitCode(), ended.reason(),
                        ended.message() + " (it ended while the farm was down; read from its console)", ended.finishedAt()));
                return new Reattachment(false, null, ConsoleEnd.why(ended), true);
            }
        }
        boolean killed = Adoption.kill(finding.qemu(), KILL_WAIT);
        return new Reattachment(false, "FarmRestarted", finding.why() + (killed ? "; its QEMU was stopped" : ""));
    }

    /** Snapshot and restore runs (docs/instances.md, "Snapshots"), bound to this host's QEMU version; none when it is unknown. */
    @Override
    public Optional<SnapshotSupport> snapshots() {
        return QemuVersion.ofThisHost().map(SnapshotSupport::new);
    }

    /** The whole stop sequence: QMP timeout, powerdown wait, quit and kill waits, and a margin. */
    @Override
    public Duration stopWait() {
        return lifecycle.qmpTimeout().plus(lifecycle.powerdownWait()).plus(lifecycle.quitWait().multipliedBy(2)).plusSeconds(5);
    }

    /**
     * Supervises again a QEMU a previous farm process started (see {@link Adoption}): when the
     * instance dir's QEMU is alive, ours and answers QMP with {@code running}, it is tracked as live
     * with its recorded status, its console followed, and it can be stopped like any other; the
     * listener hears its later changes. It is supervised with restart policy {@code Never} (the record
     * keeps no policy) and stopped like any other ({@link StopSequence}, by pid). Otherwise nothing is tracked and the finding says why (the
     * caller cleans up: {@link Adoption#kill}).
     */
    public Adoption.Finding adopt(AdoptRequest request, InstanceListener listener) {
        Adoption.Finding finding = Adoption.inspect(request.instanceDir());
        if (!finding.adoptable()) {
            return finding;
        }
        ProcessHandle qemu = finding.qemu().orElseThrow();
        Supervisor instance = new Supervisor(request.instanceId(), RestartPolicy.Never, lifecycle.backoff(), live.tracking(listener), clock,
                runListener -> QemuInstance.adopted(request, qemu, options, runListener));
        live.add(request.instanceId(), instance);
        live.admitAdopted(request.instanceId(), guestMemoryMiB(request.instanceDir()));
        instance.adopt();
        LOG.infof("adopted instance %s (QEMU pid %d)", request.instanceId(), finding.qemu().get().pid());
        return finding;
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

    private static void prepareDir(LaunchRequest request) {
        SocketPaths.forConnecting(request.instanceDir().resolve(QemuInstance.QMP_SOCKET));
        try {
            Files.createDirectories(request.instanceDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<InstanceStatus> status(String id) {
        return live.get(id).map(Supervisor::status);
    }

    /** What a live instance's QEMU runs under (uid, sandbox, cgroup limits); empty when not live or not started. */
    @Override
    public Optional<Confinement> confinement(String id) {
        return live.get(id).flatMap(Supervisor::confinement);
    }

    /** The in-memory console of a live instance; ended instances keep theirs in {@code console.log}. */
    @Override
    public Optional<List<String>> console(String id) {
        return live.get(id).map(i -> i.console().lines());
    }

    /**
     * Stops a live instance (powerdown, quit, kill: {@link StopSequence}; a pending restart is cancelled)
     * and waits (bounded) for QEMU to go; false when it was not live.
     */
    @Override
    public boolean stop(String id) {
        return stop(id, lifecycle.powerdownWait());
    }

    @Override
    public boolean stop(String id, Duration powerdownWait) {
        return stop(id, powerdownWait, StopControl.ON_REQUEST);
    }

    /** {@link #stop(String, Duration)}; the Stopped end's message starts with {@code stoppedBy}. */
    private boolean stop(String id, Duration powerdownWait, String stoppedBy) {
        Optional<Supervisor> found = live.get(id);
        if (found.isEmpty()) {
            return false;
        }
        Supervisor instance = found.get();
        if (live.withdraw(id)) {
            instance.stopWaiting(stoppedBy + " before it started");
            return true;
        }
        instance.stop(powerdownWait, stoppedBy);
        return true;
    }

    /** The backoff delays before each restart of a live instance so far (empty when none or not live). */
    public List<Duration> restartDelays(String id) {
        return live.get(id).map(Supervisor::delays).orElse(List.of());
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public int liveCount() {
        return live.size();
    }

    /**
     * Stops every instance: the farm is shutting down and must not leave QEMU processes behind.
     * Waiting instances go first, so stopping a running one does not start them; the others are
     * stopped in parallel. Returns once every end has been through its listener (bounded by
     * {@link #stopWait()}): a stop's end is recorded on the instance's console thread after its QEMU
     * is gone, and the farm's store must still be up for it ({@code Stopped}, "stopped by the farm…").
     */
    @Override
    public void close() {
        List<String> ids = live.ids();
        List<CompletableFuture<Void>> ends = live.ends(ids);
        ids.stream().filter(live::isWaiting).forEach(id -> stop(id, lifecycle.powerdownWait(), SHUTDOWN));
        List<Thread> stops = live.ids().stream().map(id -> {
            Thread stop = new Thread(() -> stop(id, lifecycle.powerdownWait(), SHUTDOWN), "shutdown-stop-" + id);
            stop.setDaemon(true);
            stop.start();
            return stop;
        }).toList();
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(stopWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("%d of %d instances had not recorded their end %s after the farm began to stop them (%s)",
                    ends.stream().filter(end -> !end.isDone()).count(), ends.size(), stopWait(), stops.stream()
                            .filter(Thread::isAlive).map(Thread::getName).toList());
        }
    }
}
