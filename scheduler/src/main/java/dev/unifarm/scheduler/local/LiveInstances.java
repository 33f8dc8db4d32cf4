package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Capacity;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The instances live on this host, each by its {@link Supervisor}, and the {@link Admission} that
 * decides which of them may boot now: a run starts when the capacity has room, else waits; capacity an
 * ended (or backing-off) instance frees goes to the waiting ones.
 */
final class LiveInstances {

    private static final Logger LOG = Logger.getLogger(LiveInstances.class);

    private final String node;
    private final Admission admission;
    private final ConcurrentHashMap<String, Supervisor> live = new ConcurrentHashMap<>();
    /** Per live instance, completed once its listener has heard (and recorded) its end: a shutdown waits for it. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> recorded = new ConcurrentHashMap<>();

    LiveInstances(String node, Capacity capacity) {
        this.node = node;
        this.admission = new Admission(capacity);
    }

    Capacity capacity() {
        return admission.capacity();
    }

    /** Tracks {@code instance} as live; ids are unique while live. */
    void add(String id, Supervisor instance) {
        if (live.putIfAbsent(id, instance) != null) {
            throw new IllegalArgumentException("instance " + id + " is already live");
        }
        recorded.put(id, new CompletableFuture<>());
    }

    /** An adopted instance's QEMU already holds {@code memoryMiB} of guest memory. */
    void admitAdopted(String id, int memoryMiB) {
        admission.adopt(admission.need(id, memoryMiB));
    }

    Optional<Supervisor> get(String id) {
        return Optional.ofNullable(live.get(id));
    }

    List<String> ids() {
        return List.copyOf(live.keySet());
    }

    int size() {
        return live.size();
    }

    /** Whether the instance waits for capacity (not started yet). */
    boolean isWaiting(String id) {
        return admission.isWaiting(id);
    }

    /** Takes a waiting instance out of the queue; false when it is not waiting. */
    boolean withdraw(String id) {
        return admission.withdraw(id);
    }

    /** The futures of these instances' recorded ends. */
    List<CompletableFuture<Void>> ends(List<String> ids) {
        return ids.stream().map(recorded::get).filter(Objects::nonNull).toList();
    }

    /**
     * Admission for one run (the first, or a restart after its backoff released the capacity): starts
     * its QEMU when there is room, else leaves it {@code Pending}/{@code WaitingForCapacity} until
     * {@link #launchAll} starts it; one that could never fit ends {@code Failed}/{@code Unschedulable}.
     */
    InstanceStatus launch(LaunchRequest request, QemuInstance run) throws IOException {
        String id = request.instanceId();
        Admission.Need need = admission.need(id, request.memoryMiB());
        var never = admission.neverFits(need);
        if (never.isPresent()) {
            run.endUnstarted(InstanceState.Failed, "Unschedulable", "cannot run on " + node + ": " + never.get());
            return run.status();
        }
        // Holding the run's monitor (its publish lock): a launchAll that admits it right after the
        // offer starts it only once it is recorded as waiting, so that record cannot overwrite Booting.
        synchronized (run) {
            if (!admission.offer(need)) {
                String message = admission.waitingMessage(need);
                LOG.infof("instance %s is pending: %s", id, message);
                run.waitForCapacity(message);
                return run.status();
            }
        }
        run.start();
        return run.status();
    }

    /**
     * Wraps the caller's listener: an ended instance leaves {@code live} first (ids are unique while
     * live, so it removes only itself, and a throwing listener cannot keep it "live"), and capacity
     * it frees (or a boot slot, once Running) goes to the instances waiting for it. An instance backing
     * off before a restart ({@code Pending}/{@code BackOff}) frees its capacity too: the restart is
     * offered to admission again like a first run.
     */
    InstanceListener tracking(InstanceListener listener) {
        return status -> {
            if (status.state().isTerminal()) {
                live.remove(status.id());
            }
            try {
                listener.changed(status);
            } finally {
                if (status.state().isTerminal()) {
                    Optional.ofNullable(recorded.remove(status.id())).ifPresent(end -> end.complete(null));
                }
                if (status.state().isTerminal() || backingOff(status)) {
                    launchAll(admission.release(status.id()));
                } else if (status.state() == InstanceState.Running) {
                    launchAll(admission.booted(status.id()));
                }
            }
        };
    }

    private static boolean backingOff(InstanceStatus status) {
        return status.state() == InstanceState.Pending && "BackOff".equals(status.reason());
    }

    /** Starts instances the admission just let in (on the thread of the instance that made room). */
    private void launchAll(List<Admission.Need> admitted) {
        for (Admission.Need need : admitted) {
            Supervisor instance = live.get(need.id());
            if (instance == null) {
                launchAll(admission.release(need.id()));
                continue;
            }
            try {
                instance.startAdmitted();
            } catch (IOException e) {
                LOG.errorf("instance %s could not start: %s", need.id(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.errorf(e, "instance %s could not start", need.id());
            }
        }
    }
}
