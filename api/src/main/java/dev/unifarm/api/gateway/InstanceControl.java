package dev.unifarm.api.gateway;

import dev.unifarm.api.instances.Instance;

/** What the gateway asks of the farm's instances (blocking calls; never on an event loop). */
interface InstanceControl {

    /** Starts an instance of the app's latest revision; its id. A start the farm refuses is a {@link GatewayException}. */
    String start(String app);

    Instance status(String id);

    /** Stops it and waits for the end. */
    void stop(String id);
}
