package dev.unifarm.api.gateway;

import dev.unifarm.api.gateway.Waiters.Waiter;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * An app pool's activation timeout, handled off its tick thread (the console and record reads block):
 * the requests that waited too long get a 504 saying what the oldest booting instance shows, and the
 * instances not ready in time are stopped, saying why.
 *
 * @param explained the oldest booting instance's id, or null
 * @param stop stops a member marked {@code STOPPING} and forgets it, the end's message saying why
 */
record ActivationTimeout(String app, InstanceControl control, Duration timeout, String explained, List<Waiter> expired,
        List<PoolMember> late, BiConsumer<PoolMember, String> stop) implements Runnable {

    /** Logged as the pool it belongs to. */
    private static final Logger LOG = Logger.getLogger(AppPool.class);

    @Override
    public void run() {
        String evidence = explained == null ? null : notReady(explained);
        GatewayException failure = GatewayException.timeout(app, timeout, evidence);
        expired.forEach(waiter -> waiter.future().completeExceptionally(failure));
        for (PoolMember m : late) {
            try {
                stop.accept(m, "stopped: not ready within " + timeout + " (unifarm.gateway.activation-timeout); "
                        + (m.id.equals(explained) ? evidence : notReady(m.id)));
            } catch (RuntimeException e) {
                LOG.warnf("could not stop %s of %s, not ready in time: %s", m.id, app, e);
            }
        }
    }

    /** {@link InstanceControl#notReady}, or a plain sentence when it cannot be read (the 504 must still go out). */
    private String notReady(String id) {
        try {
            return control.notReady(id);
        } catch (RuntimeException e) {
            return "instance " + id + " is not ready (its record could not be read: " + e.getMessage() + ")";
        }
    }
}
