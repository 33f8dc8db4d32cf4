package dev.unifarm.scheduler;

/** Told about every state change of an instance, on the scheduler's thread: keep it short. */
@FunctionalInterface
public interface InstanceListener {
    void changed(InstanceStatus status);
}
