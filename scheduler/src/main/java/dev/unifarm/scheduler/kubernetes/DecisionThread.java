package dev.unifarm.scheduler.kubernetes;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The one thread every decision about launcher Pods runs on, one at a time, off the informer's thread. */
final class DecisionThread implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final ScheduledExecutorService actions = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubernetes-launcher");
        t.setDaemon(true);
        return t;
    });

    void execute(Runnable action) {
        actions.execute(action);
    }

    void schedule(Runnable action, Duration delay) {
        actions.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} there and returns its result; its runtime exception is rethrown here. */
    <T> T call(Callable<T> action) {
        try {
            return actions.submit(action).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kubernetes launcher did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        actions.shutdownNow();
    }
}
