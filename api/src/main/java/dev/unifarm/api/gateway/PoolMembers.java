package dev.unifarm.api.gateway;

import dev.unifarm.api.gateway.PoolMember.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An app pool's instances, in start order, and its starts under way; guarded by the pool's lock. */
final class PoolMembers {

    /** How often a ready instance's record is read to notice that it ended. */
    private static final long READY_CHECK_NANOS = Duration.ofSeconds(1).toNanos();

    private final Map<String, PoolMember> members = new LinkedHashMap<>();
    /** Start calls under way that have no instance id yet. */
    private int starting;

    void startAsked() {
        starting++;
    }

    /** A start call returned: {@code member} is the instance it made, or null when it failed. */
    void startEnded(PoolMember member) {
        starting--;
        if (member != null) {
            members.put(member.id, member);
        }
    }

    /** Forgets the member; whether it was still here. */
    boolean remove(PoolMember member) {
        return members.remove(member.id) != null;
    }

    List<PoolMember> all() {
        return List.copyOf(members.values());
    }

    /** Booting members, and ready ones whose record was not read for a while: their records are read next. */
    List<PoolMember> dueForCheck(long now) {
        List<PoolMember> due = new ArrayList<>();
        for (PoolMember m : members.values()) {
            if (m.phase == Phase.BOOTING || (m.phase == Phase.READY && now - m.checkedAt >= READY_CHECK_NANOS)) {
                due.add(m);
            }
        }
        return due;
    }

    /** The ready member with the fewest requests in flight among those with room for one more; null when none has. */
    PoolMember leastLoaded(ScalingPolicy policy) {
        PoolMember best = null;
        for (PoolMember m : members.values()) {
            if (m.phase == Phase.READY && policy.hasRoom(m.inFlight) && (best == null || m.inFlight < best.inFlight)) {
                best = m;
            }
        }
        return best;
    }

    /** The booting member started first, or null. */
    PoolMember oldestBooting() {
        return members.values().stream().filter(m -> m.phase == Phase.BOOTING).findFirst().orElse(null);
    }

    /** Marks {@code STOPPING} and returns the booting members not ready within {@code timeout} of their start. */
    List<PoolMember> markLateBoots(long now, Duration timeout) {
        List<PoolMember> late = new ArrayList<>();
        for (PoolMember m : members.values()) {
            if (m.phase == Phase.BOOTING && now - m.askedAt >= timeout.toNanos()) {
                m.phase = Phase.STOPPING;
                late.add(m);
            }
        }
        return late;
    }

    /** Members booting, ready or being started (not those being stopped). */
    int live() {
        int n = starting;
        for (PoolMember m : members.values()) {
            if (m.phase != Phase.STOPPING) {
                n++;
            }
        }
        return n;
    }

    int inFlight() {
        int n = 0;
        for (PoolMember m : members.values()) {
            n += m.inFlight;
        }
        return n;
    }
}
