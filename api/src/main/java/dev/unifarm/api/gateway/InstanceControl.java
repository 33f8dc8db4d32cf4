package dev.unifarm.api.gateway;

import dev.unifarm.api.instances.Instance;

/** What the gateway asks of the farm's instances (blocking calls; never on an event loop). */
interface InstanceControl {

    /**
     * Starts an instance of the app's latest revision, restored from its snapshot where it has a usable one, else
     * booted; its id and how it began. A start the farm refuses is a {@link GatewayException}.
     */
    Started start(String app);

    /** @param activation {@link Instance#BOOT} or {@link Instance#RESTORE} */
    record Started(String id, String activation) {
    }

    /** Restored instance {@code id} ended before its guest ran ({@code RestoreFailed}): its snapshot is dropped. */
    void restoreFailed(String id);

    /** Booted instance {@code id} of {@code app} answered its first request: the farm may snapshot its revision. */
    void answered(String app, String id);

    Instance status(String id);

    /** Stops it and waits for the end, whose message says {@code why} (e.g. {@code "stopped: idle for PT30S …"}). */
    void stop(String id, String why);

    /**
     * Why an instance is not ready yet, for messages: the port the gateway waits on and what the app's
     * console says last (e.g. that it listens on another port).
     */
    String notReady(String id);
}
