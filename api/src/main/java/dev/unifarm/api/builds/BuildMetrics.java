package dev.unifarm.api.builds;

import dev.unifarm.api.apps.RevisionState;
import dev.unifarm.api.farm.MetricBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Build metrics, without an {@code app} tag (a farm's builds are one queue; the revision's log says which
 * app failed and why):
 * <ul>
 * <li>{@code unifarm.builds} counter ({@code unifarm_builds_total}), tags {@code outcome} ({@code Ready},
 *     {@code Failed}) and {@code reason} (the failure's problem type, e.g. {@code runtime-not-found};
 *     {@code internal} for an unexpected error; {@code none} when Ready);
 * <li>{@code unifarm.build.duration} timer with histogram ({@link MetricBuckets#build()}), tag {@code outcome}:
 *     {@code Building} → {@code Ready} or {@code Failed}.
 * </ul>
 * The Ready counter and both timers exist from start-up at zero, so {@code rate()} sees the first build.
 */
@ApplicationScoped
public class BuildMetrics {

    static final String NONE = "none";
    static final String INTERNAL = "internal";

    private final MeterRegistry registry;

    BuildMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.counter("unifarm.builds", "outcome", RevisionState.Ready.name(), "reason", NONE);
        duration(RevisionState.Ready);
        duration(RevisionState.Failed);
    }

    void ready(long nanos) {
        ended(RevisionState.Ready, NONE, nanos);
    }

    void failed(String reason, long nanos) {
        ended(RevisionState.Failed, reason != null ? reason : INTERNAL, nanos);
    }

    private void ended(RevisionState outcome, String reason, long nanos) {
        registry.counter("unifarm.builds", "outcome", outcome.name(), "reason", reason).increment();
        duration(outcome).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer duration(RevisionState outcome) {
        return Timer.builder("unifarm.build.duration").description("build time, Building to Ready or Failed")
                .tags("outcome", outcome.name()).serviceLevelObjectives(MetricBuckets.build()).register(registry);
    }
}
