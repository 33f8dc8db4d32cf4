package dev.unifarm.api.gateway;

import java.time.Duration;

/**
 * After a failed start or boot, instances wanted only for {@code minInstances} wait this long
 * before the next try, so an app that cannot boot is not started again on every tick. Guarded by
 * the pool's lock.
 */
final class WarmRetry {

    private static final long WARM_RETRY_NANOS = Duration.ofSeconds(10).toNanos();

    private boolean failed;
    /** Before this, no instance is started for the warm minimum alone. */
    private long retryAt;

    void failed(long now) {
        failed = true;
        retryAt = now + WARM_RETRY_NANOS;
    }

    boolean holding(long now) {
        return failed && now - retryAt < 0;
    }
}
