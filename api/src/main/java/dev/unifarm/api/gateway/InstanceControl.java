package dev.unifarm.api.gateway;

import dev.unifarm.api.instances.Instance;

/** What the gateway asks of the farm's instances (blocking calls; never on an event loop). */
interface InstanceControl {

    /** Starts an instance of the app's latest revision; its id. A start the farm refuses is a {@link GatewayException}. */
    String start(String app);

    Instance status(String id);

    /** Stops it and waits for the end, whose message says {@code why} (e.g. {@code "stopped: idle for PT30S …"}). */
    void stop(String id, String why);

    /**
     * Why an instance is not ready yet, for messages: the port the gateway waits on and what the app's
     * console says last (e.g. that it listens on another port).
     */
    String notReady(String id);
}
