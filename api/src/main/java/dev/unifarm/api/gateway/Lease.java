package dev.unifarm.api.gateway;

/** One request's hold on a ready instance; {@link #release()} once its response has ended. */
record Lease(String instanceId, String host, int port, Runnable onRelease) {

    void release() {
        onRelease.run();
    }
}
