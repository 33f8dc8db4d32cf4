package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code unifarm.gateway.*}: the gateway's port and host routing, activation wait and default scaling. */
public interface GatewayConfig {
    /** Off: no gateway port is opened and no instances are kept warm. */
    @WithDefault("true")
    boolean enabled();

    /** Loopback by default, like the API. */
    @WithDefault("127.0.0.1")
    String host();

    /** 0 = any free port (tests). */
    @WithDefault("8081")
    int port();

    /** With {@code example.test}, {@code Host: shop.example.test} routes to app {@code shop} as {@code /shop/…} does. */
    Optional<String> domain();

    /** The longest a request waits for a ready instance (a cold start or a scale-out); then 504. */
    @WithDefault("PT60S")
    Duration activationTimeout();

    /** Scaling when the app spec's {@code scaling} leaves it unset. */
    @WithDefault("PT5M")
    Duration defaultIdleTimeout();

    @WithDefault("1")
    int defaultMaxInstances();

    /** In-flight requests per instance before another starts; 0 = unlimited. */
    @WithDefault("0")
    int defaultMaxConcurrency();

    /** Memory snapshots of HTTP apps (issue 18): cold starts restore a revision's snapshot instead of booting. */
    Snapshots snapshots();

    /** {@code unifarm.gateway.snapshots.*}. */
    interface Snapshots {
        /**
         * Off: no snapshot is taken or restored (those stored stay until their revision goes). An app opts out with
         * {@code scaling.snapshot: false}; only schedulers that take snapshots (local mode) and images with the
         * guest resume helper are snapshotted.
         */
        @WithDefault("true")
        boolean enabled();
    }
}
