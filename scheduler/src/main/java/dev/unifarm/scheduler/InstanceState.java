package dev.unifarm.scheduler;

/** Where an instance is in its life: {@code Pending → Booting → Running → (Succeeded | Failed | Stopped)}. */
public enum InstanceState {
    Pending, Booting, Running, Succeeded, Failed, Stopped;

    public boolean isTerminal() {
        return this == Succeeded || this == Failed || this == Stopped;
    }
}
