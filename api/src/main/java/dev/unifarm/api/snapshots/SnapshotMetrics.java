package dev.unifarm.api.snapshots;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * The snapshot store's metrics ({@code /q/metrics}):
 * <ul>
 * <li>{@code unifarm_snapshots} gauge: snapshots stored;
 * <li>{@code unifarm_snapshot_bytes} gauge: what they take on disk (states plus the RAM files' allocated blocks);
 * <li>{@code unifarm_snapshot_dropped_total{app,reason}}: snapshots thrown away, {@code reason} one of
 *     {@link SnapshotStore#CORRUPT}, {@link SnapshotStore#MISSING}, {@link SnapshotStore#RESTORE_FAILED},
 *     {@link SnapshotStore#REVISION_DELETED};
 * <li>{@code unifarm_snapshot_failures_total{app}}: maker runs that did not end with a snapshot.
 * </ul>
 */
@ApplicationScoped
class SnapshotMetrics {

    private final MeterRegistry registry;

    SnapshotMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void gauges(Supplier<Number> count, Supplier<Number> bytes) {
        Gauge.builder("unifarm.snapshots", count).description("memory snapshots stored").register(registry);
        Gauge.builder("unifarm.snapshot.bytes", bytes).description("bytes the stored snapshots take on disk").register(registry);
    }

    void dropped(String app, String reason) {
        Counter.builder("unifarm.snapshot.dropped").description("snapshots thrown away").tags("app", app, "reason", reason)
                .register(registry).increment();
    }

    void failed(String app) {
        Counter.builder("unifarm.snapshot.failures").description("snapshot maker runs that ended without a snapshot").tags("app", app)
                .register(registry).increment();
    }
}
