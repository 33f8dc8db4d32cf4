package dev.unifarm.api.gateway;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.config.GatewayConfig;
import java.time.Duration;

/**
 * An app's on-demand scaling, the spec's {@code scaling} with the farm's defaults filled in.
 *
 * @param maxConcurrency in-flight requests per instance before another starts; {@link Integer#MAX_VALUE} = unlimited
 */
record ScalingPolicy(int minInstances, int maxInstances, Duration idleTimeout, int maxConcurrency) {

    static ScalingPolicy of(AppSpec.Scaling scaling, GatewayConfig defaults) {
        AppSpec.Scaling s = scaling != null ? scaling : new AppSpec.Scaling(null, null, null, null);
        int min = s.minInstances() != null ? s.minInstances() : 0;
        int max = s.maxInstances() != null ? s.maxInstances() : Math.max(min, defaults.defaultMaxInstances());
        Duration idle = s.idleTimeout() != null ? Duration.parse(s.idleTimeout()) : defaults.defaultIdleTimeout();
        int concurrency = s.maxConcurrency() != null ? s.maxConcurrency() : defaults.defaultMaxConcurrency();
        return new ScalingPolicy(min, Math.max(min, max), idle, concurrency > 0 ? concurrency : Integer.MAX_VALUE);
    }

    boolean hasRoom(int inFlight) {
        return inFlight < maxConcurrency;
    }

    /**
     * Instances wanted: {@code minInstances} (none while {@code warmHeld}: warm starts back off after a failure),
     * or more where {@code demand} (requests in flight and waiting) needs them at {@code maxConcurrency} each;
     * never above {@code maxInstances}.
     */
    int wanted(int demand, boolean warmHeld) {
        int wanted = warmHeld ? 0 : minInstances;
        if (demand > 0) {
            wanted = Math.max(wanted, maxConcurrency == Integer.MAX_VALUE ? 1 : (demand + maxConcurrency - 1) / maxConcurrency);
        }
        return Math.min(wanted, maxInstances);
    }
}
