package dev.unifarm.scheduler;

/** When an ended instance is booted again (the app spec's {@code restartPolicy}; default {@code Never}). */
public enum RestartPolicy {
    /** An ended instance stays ended. */
    Never,
    /** Restarted when it ends {@code Failed} (non-zero exit, signal, QEMU gone, hung). */
    OnFailure,
    /** Restarted whenever it ends by itself, even with exit code 0; only a stop request ends it. */
    Always;

    /** Whether an instance that ended with {@code end} (not on request) is booted again. */
    public boolean restarts(InstanceState end) {
        return switch (this) {
            case Never -> false;
            case OnFailure -> end == InstanceState.Failed;
            case Always -> end == InstanceState.Failed || end == InstanceState.Succeeded;
        };
    }

    /** The policy named {@code name}; null means {@code Never}. */
    public static RestartPolicy of(String name) {
        return name == null ? Never : valueOf(name);
    }
}
