package dev.unifarm.scheduler.kubernetes;

import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.restart.RestartSchedule;
import java.time.Instant;

/** One instance a {@link PodSupervisor} runs: its spec, current Pod and status across its Pods. Mutated only on the decision thread. */
final class SupervisedInstance {
    final LauncherSpec spec;
    final RestartSchedule schedule;
    final InstanceListener listener;
    volatile InstanceStatus status;
    volatile String pod;
    volatile int generation;
    volatile int restarts;
    volatile boolean podEnded;
    volatile boolean ended;
    volatile boolean stopRequested;
    volatile InstanceStatus lastTermination;

    SupervisedInstance(LauncherSpec spec, RestartSchedule schedule, InstanceListener listener, InstanceStatus status) {
        this.spec = spec;
        this.schedule = schedule;
        this.listener = listener;
        this.status = status;
    }

    /** Its status while its Pod waits ({@code reason}, e.g. {@code ContainerCreating}) or it backs off before a restart. */
    InstanceStatus pending(String reason, String message, String node) {
        return new InstanceStatus(spec.instanceId(), InstanceState.Pending, null, reason, message, null, node, status.createdAt(),
                null, null, null, null, restarts);
    }

    /** Its status once its Pod runs on {@code node}, not ready yet. */
    InstanceStatus booting(String node, Instant now) {
        return new InstanceStatus(spec.instanceId(), InstanceState.Booting, null, null, null, null, node, status.createdAt(), now,
                null, null, null, restarts);
    }

    PodInstance view() {
        return new PodInstance(status, pod, restarts, lastTermination);
    }
}
