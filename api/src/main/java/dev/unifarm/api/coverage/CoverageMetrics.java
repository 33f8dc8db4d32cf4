package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.coverage.SyscallOutcome;
import dev.unifarm.scheduler.coverage.SyscallProfile;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Syscall coverage metrics (Micrometer, scraped at {@code /q/metrics}):
 * <ul>
 * <li>{@code unifarm.syscalls} counter ({@code unifarm_syscalls_total}), tags {@code app}, {@code syscall},
 *     {@code outcome}: calls seen in finished traced runs;
 * <li>{@code unifarm.syscall.coverage.ratio} gauge, tags {@code app}, {@code kernel}, {@code kind}
 *     ({@code predicted} or {@code observed}): distinct coverage as the newest report computed it.
 * </ul>
 */
@ApplicationScoped
public class CoverageMetrics {

    private final MeterRegistry registry;
    /** Gauge values as double bits: Micrometer holds gauges weakly, so the holders live here. */
    private final Map<Tags, AtomicLong> ratios = new ConcurrentHashMap<>();

    CoverageMetrics(MeterRegistry registry) {
        this.registry = registry;
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
