package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.coverage.SyscallOutcome;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import dev.unifarm.api.farm.MetricBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Syscall coverage metrics (Micrometer, scraped at {@code /q/metrics}):
 * <ul>
 * <li>{@code unifarm.syscalls} counter ({@code unifarm_syscalls_total}), tags {@code app}, {@code syscall},
 *     {@code outcome}: calls seen in finished traced runs;
 * <li>{@code unifarm.syscall.coverage.ratio} gauge, tags {@code app}, {@code kernel}, {@code kind}
 *     ({@code predicted} or {@code observed}): distinct coverage as the newest report computed it;
 * <li>{@code unifarm.reference.runs} counter ({@code unifarm_reference_runs_total}) and
 *     {@code unifarm.reference.run.duration} timer with histogram ({@link MetricBuckets#referenceRun()}), tag
 *     {@code outcome} ({@code Done}, {@code Failed}): reference runs that ended, request → end (a wait for
 *     capacity included); no {@code app} tag, the run records say which. At 0 from start-up, so
 *     {@code rate()} sees the first run.
 * </ul>
 */
@ApplicationScoped
public class CoverageMetrics {

    private final MeterRegistry registry;
    /** Gauge values as double bits: Micrometer holds gauges weakly, so the holders live here. */
    private final Map<Tags, AtomicLong> ratios = new ConcurrentHashMap<>();
    /** System.nanoTime() of each reference run's request, until it ends. */
    private final Map<String, Long> referenceStarts = new ConcurrentHashMap<>();

    CoverageMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : List.of(ProfileRow.DONE, ProfileRow.FAILED)) {
            referenceRuns(outcome);
            referenceDuration(outcome);
        }
    }

    void referenceStarted(String runId) {
        referenceStarts.put(runId, System.nanoTime());
    }

    /** The run ended {@code outcome} ({@link ProfileRow#DONE} or {@link ProfileRow#FAILED}); counted once. */
    void referenceEnded(String runId, String outcome) {
        Long started = referenceStarts.remove(runId);
        if (started == null) {
            return;
        }
        referenceRuns(outcome).increment();
        referenceDuration(outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private Counter referenceRuns(String outcome) {
        return Counter.builder("unifarm.reference.runs").description("coverage reference runs that ended, by outcome")
                .tags("outcome", outcome).register(registry);
    }

    private Timer referenceDuration(String outcome) {
        return Timer.builder("unifarm.reference.run.duration").description("coverage reference run, request to end")
                .tags("outcome", outcome).serviceLevelObjectives(MetricBuckets.referenceRun()).register(registry);
    }

    void counted(String app, SyscallProfile profile) {
        for (String name : profile.names()) {
            for (SyscallOutcome outcome : SyscallOutcome.values()) {
                long calls = profile.calls(name, outcome);
                if (calls > 0) {
                    registry.counter("unifarm.syscalls", "app", app, "syscall", name, "outcome", outcome.name()).increment(calls);
                }
            }
        }
    }

    void ratio(String app, String kernel, String kind, double value) {
        Tags tags = Tags.of("app", app, "kernel", kernel, "kind", kind);
        AtomicLong holder = ratios.computeIfAbsent(tags, t -> new AtomicLong());
        holder.set(Double.doubleToLongBits(value));
        // Registering is idempotent (the same id gives the same gauge); doing it on every set also brings back
        // a gauge that was removed from the registry.
        Gauge.builder("unifarm.syscall.coverage.ratio", holder, h -> Double.longBitsToDouble(h.get())).tags(tags)
                .description("share of the app's distinct syscalls the kernel covers").register(registry);
    }
}
