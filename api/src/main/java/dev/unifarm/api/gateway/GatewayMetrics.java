package dev.unifarm.api.gateway;

import dev.unifarm.api.farm.MetricBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway's metrics (Micrometer, {@code /q/metrics}), all tagged {@code app} (known apps only, so
 * a scan of made-up names cannot grow the registry):
 * <ul>
 * <li>{@code unifarm.gateway.requests} timer with histogram ({@link MetricBuckets#request()}): arrival → response
 *     ended, waits included;
 * <li>{@code unifarm.gateway.activations} counter: instances the gateway started (cold starts and scale-outs);
 * <li>{@code unifarm.gateway.activation.wait} timer with histogram ({@link MetricBuckets#boot()}): how long
 *     requests that found no ready instance with room waited for one;
 * <li>{@code unifarm.gateway.inflight} gauge: requests being proxied now;
 * <li>{@code unifarm.gateway.instances} gauge: instances booting or ready (or being started);
 * <li>{@code unifarm.gateway.activation} timer with histogram ({@link MetricBuckets#activation()}), tagged {@code mode}
 *     {@code boot} or {@code restore}: the gateway's start of an instance to that instance ready.
 * </ul>
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of one app; the gauges read the pool the supplier returns. */
    AppMeters forApp(String app, Supplier<AppPool> pool) {
        Gauge.builder("unifarm.gateway.inflight", () -> pool.get().inFlight())
                .description("requests the gateway is proxying now").tags("app", app).register(registry);
        Gauge.builder("unifarm.gateway.instances", () -> pool.get().live())
                .description("instances the gateway runs (booting or ready)").tags("app", app).register(registry);
        return new AppMeters(
                Timer.builder("unifarm.gateway.requests").description("gateway request latency, arrival to response end")
                        .tags("app", app).serviceLevelObjectives(MetricBuckets.request()).register(registry),
                Counter.builder("unifarm.gateway.activations").description("instances started by the gateway")
                        .tags("app", app).register(registry),
                Timer.builder("unifarm.gateway.activation.wait").description("wait for a ready instance")
                        .tags("app", app).serviceLevelObjectives(MetricBuckets.boot()).register(registry),
                mode -> activationTimer(app, mode));
    }

    /** Registered at an app's first activation of each mode (re-registering returns the same timer): no empty restore series. */
    private Timer activationTimer(String app, String mode) {
        return Timer.builder("unifarm.gateway.activation").description("the gateway's start of an instance to that instance ready")
                .tags("app", app, "mode", mode).serviceLevelObjectives(MetricBuckets.activation()).register(registry);
    }

    record AppMeters(Timer requests, Counter activations, Timer activationWaits, Function<String, Timer> activationsByMode) {

        /** An instance the gateway started is ready {@code nanos} after the start was asked for; {@code mode}: boot or restore. */
        void activated(String mode, long nanos) {
            activationsByMode.apply(mode).record(nanos, TimeUnit.NANOSECONDS);
        }

        void request(long nanos) {
            requests.record(nanos, TimeUnit.NANOSECONDS);
        }

        void activation() {
            activations.increment();
        }

        void activationWait(long nanos) {
            activationWaits.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
