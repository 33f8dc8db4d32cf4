package dev.unifarm.scheduler.kubernetes;

/**
 * When a launcher Pod's end is followed by a new Pod. Minimal and local to Kubernetes mode; to be
 * replaced by the scheduler's own restart policy once local mode has one.
 */
public enum RestartPolicy {
    Never, OnFailure, Always;

    /**
     * @param succeeded the app ended with exit code 0; a Pod that failed or was deleted by someone
     *        else counts as a failure
     */
    public boolean restartsAfter(boolean succeeded) {
        return switch (this) {
            case Never -> false;
            case OnFailure -> !succeeded;
            case Always -> true;
        };
    }
}
