package dev.unifarm.api.farm;

import java.util.concurrent.ThreadFactory;

/** Threads of the farm's own background work: named for thread dumps, and daemons so they never hold a shutdown up. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads called {@code name}. */
    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
