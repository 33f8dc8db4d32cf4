package dev.unifarm.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the farm needs from whatever runs its instances: QEMU on this host ({@code local.LocalScheduler}) or
 * launcher Pods in a cluster ({@code kubernetes.KubernetesScheduler}). Every state change reaches the
 * listener given at start (or re-attachment), the last one terminal.
 */
public interface Scheduler extends AutoCloseable {

    /** Where new instances are recorded to run before they report a node of their own. */
    String node();

    /** Starts one instance; returns its first status ({@code Pending} or {@code Booting}, or {@code Failed}). */
    InstanceStatus start(InstanceRequest request, InstanceListener listener, RestartPolicy policy);

    /**
     * Supervises again an instance a previous farm process recorded as live. When that is not possible,
     * whatever is left of it is cleaned up and the answer says why.
     */
    Reattachment reattach(AdoptRequest request, InstanceListener listener, RestartPolicy policy);

    /** After re-attachment: ends whatever still runs for instances that are not live here (no orphans). */
    default void removeOthers(Set<String> live) {
    }

    /** Stops a live instance; false when it was not live. {@link #stopWait()} bounds how long it takes to end. */
    boolean stop(String id);

    /**
     * Stops a live instance giving its guest {@code powerdownWait} (instead of the scheduler's own) to
     * end after the power button, e.g. a traced run that prints its trace once the app ended. A
     * scheduler without a powerdown step stops as {@link #stop(String)} does.
     */
    default boolean stop(String id, Duration powerdownWait) {
        return stop(id);
    }

    /** The longest a stop takes to reach a terminal state. */
    Duration stopWait();

    /** The last status published for a live instance. */
    Optional<InstanceStatus> status(String id);

    /**
     * What the instance's runner says right now, where that may be fresher than the published status
     * (a launcher Pod's own status); empty when the published one is all there is.
     */
    default Optional<InstanceStatus> report(String id) {
        return Optional.empty();
    }

    /** The console of a live instance; ended ones keep theirs in the instance dir's {@code console.log}. */
    /** What a live instance's VM process runs under, where the scheduler knows (local mode); empty otherwise. */
    default Optional<Confinement> confinement(String id) {
        return Optional.empty();
    }

    Optional<List<String>> console(String id);

    /**
     * Whether this scheduler takes {@link Activation.Snapshot} and {@link Activation.Restore} launches, and
     * what a snapshot it takes is bound to besides the image and memory size (its QEMU); empty: boots only.
     */
    default Optional<SnapshotSupport> snapshots() {
        return Optional.empty();
    }

    /** @param qemuVersion the QEMU that takes and restores snapshots, e.g. {@code 7.2.22}: a snapshot restores only on the same one */
    record SnapshotSupport(String qemuVersion) {
    }

    @Override
    void close();

    /**
     * The outcome of {@link #reattach}.
     *
     * @param reason CamelCase word for the failed record when not attached, e.g. {@code FarmRestarted}
     * @param why a sentence: what was found and done
     * @param ended not attached because the instance had ended by itself (its console says how): that end
     *     went to the listener, so there is nothing left to record as failed
     */
    record Reattachment(boolean attached, String reason, String why, boolean ended) {

        public Reattachment(boolean attached, String reason, String why) {
            this(attached, reason, why, false);
        }
    }
}
