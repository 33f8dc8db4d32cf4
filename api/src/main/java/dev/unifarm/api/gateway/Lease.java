package dev.unifarm.api.gateway;

import java.util.function.IntConsumer;

/**
 * One request's hold on a ready instance; {@link #answered(int)} with the status of a response the instance sent,
 * {@link #release()} once the response has ended.
 */
record Lease(String instanceId, String host, int port, Runnable onRelease, IntConsumer onAnswer) {

    void release() {
        onRelease.run();
    }

    void answered(int status) {
        onAnswer.accept(status);
    }
}
