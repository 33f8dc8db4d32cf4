package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Capacity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which instances may start under a {@link Capacity}: an instance is admitted when its memory
 * (guest + overhead) and vCPU fit in what admitted instances leave free and a boot slot is free;
 * otherwise it waits in FIFO order (a waiting instance is never overtaken, so a big one is not
 * starved by small ones). Admitted instances hold their resources until {@link #release}; their boot
 * slot until {@link #booted} or {@link #release}. Thread-safe; no I/O.
 */
final class Admission {

    /** One instance's demand. */
    record Need(String id, long memoryMiB, int vcpus) {
    }

    private record Held(Need need, boolean booting) {
    }

    private final Capacity capacity;
    private final Map<String, Held> admitted = new LinkedHashMap<>();
    private final Deque<Need> waiting = new ArrayDeque<>();

    Admission(Capacity capacity) {
        this.capacity = capacity;
    }

    Capacity capacity() {
        return capacity;
    }

    Need need(String id, int guestMemoryMiB) {
        return new Need(id, capacity.footprintMiB(guestMemoryMiB), 1);
    }

    /** Why {@code need} can never run here (it is bigger than the whole budget), or empty. */
    Optional<String> neverFits(Need need) {
        if (need.memoryMiB() > capacity.memoryMiB() || need.vcpus() > capacity.vcpus()) {
            return Optional.of("needs " + describe(need.memoryMiB(), need.vcpus()) + " but the whole budget is "
                    + describe(capacity.memoryMiB(), capacity.vcpus()));
        }
        return Optional.empty();
    }

    /** Admits {@code need} now (true) or queues it behind the instances already waiting (false). */
    synchronized boolean offer(Need need) {
        if (admitted.containsKey(need.id()) || waiting.stream().anyMatch(w -> w.id().equals(need.id()))) {
            throw new IllegalArgumentException("instance " + need.id() + " is already known to admission");
        }
        if (waiting.isEmpty() && fits(need)) {
            admitted.put(need.id(), new Held(need, true));
            return true;
        }
        waiting.addLast(need);
        return false;
    }

    /** Counts an instance that already runs (adopted after a farm restart), even past the budget: it is not stopped for that. */
    synchronized void adopt(Need need) {
        admitted.put(need.id(), new Held(need, false));
    }

    /** The boot of {@code id} is over (it runs): its boot slot frees. Returns the instances admitted now. */
    synchronized List<Need> booted(String id) {
        Held held = admitted.get(id);
        if (held != null && held.booting()) {
            admitted.put(id, new Held(held.need(), false));
        }
        return admitWaiting();
    }

    /** {@code id} ended or was withdrawn: its resources (or its place in the queue) free. Returns the instances admitted now. */
    synchronized List<Need> release(String id) {
        admitted.remove(id);
        waiting.removeIf(w -> w.id().equals(id));
        return admitWaiting();
    }

    /** Takes {@code id} out of the queue if it is still waiting (true); false when it was admitted or unknown. */
    synchronized boolean withdraw(String id) {
        return waiting.removeIf(w -> w.id().equals(id));
    }

    synchronized boolean isWaiting(String id) {
        return waiting.stream().anyMatch(w -> w.id().equals(id));
    }

    /** A sentence for a waiting instance's status: what it needs against what is free. */
    synchronized String waitingMessage(Need need) {
        int ahead = 0;
        for (Need w : waiting) {
            if (w.id().equals(need.id())) {
                break;
            }
            ahead++;
        }
        return "waiting for capacity: needs " + describe(need.memoryMiB(), need.vcpus()) + ", free "
                + describe(capacity.memoryMiB() - usedMemory(), capacity.vcpus() - usedVcpus()) + " of "
                + describe(capacity.memoryMiB(), capacity.vcpus()) + ", boots " + booting() + "/" + capacity.maxBooting()
                + (ahead > 0 ? ", " + ahead + " ahead in the queue" : "");
    }

    synchronized int admittedCount() {
        return admitted.size();
    }

    synchronized int waitingCount() {
        return waiting.size();
    }

    private List<Need> admitWaiting() {
        List<Need> now = new ArrayList<>();
        while (!waiting.isEmpty() && fits(waiting.peekFirst())) {
            Need next = waiting.removeFirst();
            admitted.put(next.id(), new Held(next, true));
            now.add(next);
        }
        return now;
    }

    private boolean fits(Need need) {
        return usedMemory() + need.memoryMiB() <= capacity.memoryMiB()
                && usedVcpus() + need.vcpus() <= capacity.vcpus()
                && booting() < capacity.maxBooting();
    }

    private long usedMemory() {
        return admitted.values().stream().mapToLong(h -> h.need().memoryMiB()).sum();
    }

    private int usedVcpus() {
        return admitted.values().stream().mapToInt(h -> h.need().vcpus()).sum();
    }

    private int booting() {
        return (int) admitted.values().stream().filter(Held::booting).count();
    }

    private static String describe(long memoryMiB, int vcpus) {
        return memoryMiB + " MiB and " + vcpus + " vCPU" + (vcpus == 1 ? "" : "s");
    }
}
