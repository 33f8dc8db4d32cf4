package dev.unifarm.api.coverage;

import dev.unifarm.api.apps.AppDeleted;
import dev.unifarm.scheduler.coverage.NeedClass;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import dev.unifarm.scheduler.coverage.SyscallNeed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Needs sweep metrics (docs/coverage.md, "What an app really needs"), from each app's newest Done sweep:
 * <ul>
 * <li>{@code unifarm.syscall.need} gauge ({@code unifarm_syscall_need}), tags {@code app}, {@code syscall}, {@code class}
 *     ({@code required}, {@code fakeable}, {@code stubbable}, {@code untried}): 1 per syscall of the sweep;
 * <li>{@code unifarm.syscall.need.ratio} gauge, tags {@code app}, {@code class}: the class's share of the swept syscalls.
 * </ul>
 * A new sweep replaces the app's series (a syscall it no longer makes, or whose class changed, goes); a deleted app's go.
 */
@ApplicationScoped
public class NeedsMetrics {

    static final String NEED = "unifarm.syscall.need";
    static final String RATIO = "unifarm.syscall.need.ratio";

    private final MeterRegistry registry;
    /** Per app, its series as registered (mapped ids: what {@link MeterRegistry#remove(Meter.Id)} takes). */
    private final Map<String, Set<Meter.Id>> series = new HashMap<>();
    /** Per app, the ratios as double bits: Micrometer holds gauges weakly, so the holders live here. */
    private final Map<String, Map<NeedClass, AtomicLong>> ratios = new HashMap<>();

    NeedsMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The app's sweep is Done and is now its newest: its series replace the app's previous ones. */
    public synchronized void needsFinished(String app, NeedsSweepResult result) {
        Set<Meter.Id> now = new HashSet<>();
        for (SyscallNeed need : result.needs()) {
            now.add(Gauge.builder(NEED, () -> 1).tags("app", app, "syscall", need.syscall(), "class", need.needClass().name())
                    .description("1 per syscall of the app's newest needs sweep, by its class").register(registry).getId());
        }
        Map<NeedClass, AtomicLong> shares = ratios.computeIfAbsent(app, a -> new EnumMap<>(NeedClass.class));
        int swept = result.needs().size();
        for (NeedClass needClass : NeedClass.values()) {
            AtomicLong holder = shares.computeIfAbsent(needClass, c -> new AtomicLong());
            holder.set(Double.doubleToLongBits(swept == 0 ? 0 : (double) result.names(needClass).size() / swept));
            now.add(Gauge.builder(RATIO, holder, h -> Double.longBitsToDouble(h.get())).tags("app", app, "class", needClass.name())
                    .description("share of the syscalls of the app's newest needs sweep in each class").register(registry).getId());
        }
        series.getOrDefault(app, Set.of()).stream().filter(id -> !now.contains(id)).forEach(registry::remove);
        series.put(app, now);
    }

    synchronized void appDeleted(@Observes AppDeleted deleted) {
        series.getOrDefault(deleted.app(), Set.of()).forEach(registry::remove);
        series.remove(deleted.app());
        ratios.remove(deleted.app());
    }
}
