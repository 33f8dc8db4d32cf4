package dev.unifarm.api.instances;

import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.farm.MetricBuckets;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.diagnosis.FailureDiagnoser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The farm's instance metrics (Micrometer, scraped at {@code /q/metrics}):
 * <ul>
 * <li>{@code unifarm.instances} gauge, tags {@code app}, {@code state}: instances on record per app and state;
 * <li>{@code unifarm.instance.boot} timer with histogram ({@link MetricBuckets#boot()}), tag {@code app}: start
 *     request → {@code Running} (first run of an instance; restarts are not start requests);
 * <li>{@code unifarm.instance.restarts} counter, tag {@code app}: runs booted by a restart policy;
 * <li>{@code unifarm.instance.memory.resident} gauge (bytes), tags {@code app}, {@code instance_id} (not
 *     {@code instance}: Prometheus sets that to the scrape target and renames ours {@code exported_instance}): VmRSS of
 *     each live instance's QEMU, read from {@code /proc/<pid>/status} at scrape time;
 * <li>{@code unifarm.diagnoses} counter ({@code unifarm_diagnoses_total}), tags {@code app}, {@code reason}: runs
 *     that failed with a known signature ({@link FailureDiagnoser#REASONS}), counted once per failed run: by the
 *     run's reason, or, when its reason is another ({@code VmExited}, {@code BootTimeout}…), by its console's
 *     diagnosis ({@link ConsoleDiagnoses}).
 * </ul>
 */
@ApplicationScoped
public class InstanceMetrics {

    private final MeterRegistry registry;
    private final InstanceRepository instances;
    private final FarmDirs dirs;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, Meter> residentMemory = new ConcurrentHashMap<>();

    InstanceMetrics(MeterRegistry registry, InstanceRepository instances, FarmDirs dirs) {
        this.registry = registry;
        this.instances = instances;
        this.dirs = dirs;
    }

    void atStart(@Observes StartupEvent event) {
        refresh();
    }

    /**
     * A start request for {@code app}: its meters exist from now on, at zero — the boot histogram too:
     * Prometheus' {@code rate()}/{@code increase()} see no increase in a series whose first scrape already
     * holds the first boot. Diagnoses are not pre-filled (14 reasons × every app): a series appears with
     * the app's first failure of that reason, and the dashboards count a new series' value as its increase.
     */
    void started(String app) {
        restarts(app);
        boot(app);
        for (InstanceState state : InstanceState.values()) {
            count(app, state);
        }
    }

    /** An instance's status changed (called on the scheduler's thread, after the record was updated). */
    void changed(String app, Instant requested, InstanceStatus status) {
        if (endsDiagnosedRun(status)) {
            diagnoses(app, status.reason()).increment();
        }
        switch (status.state()) {
            case Booting -> {
                if (status.restarts() > 0) {
                    restarts(app).increment();
                }
                residentMemory.computeIfAbsent(status.id(), id -> Gauge
                        .builder("unifarm.instance.memory.resident", id, this::residentBytes)
                        .description("resident memory (VmRSS) of the instance's QEMU process")
                        .baseUnit("bytes").tags("app", app, "instance_id", id).register(registry));
            }
            case Running -> {
                if (status.restarts() == 0 && status.readyAt() != null) {
                    boot(app).record(Duration.between(requested, status.readyAt()));
                }
            }
            default -> {
                if (status.state().isTerminal()) {
                    Meter gauge = residentMemory.remove(status.id());
                    if (gauge != null) {
                        registry.remove(gauge);
                    }
                }
            }
        }
        refresh();
    }

    /** A failed run whose reason is not a diagnosis showed {@code reason}'s signature on its console ({@link ConsoleDiagnoses}). */
    void diagnosed(String app, String reason) {
        diagnoses(app, reason).increment();
    }

    /** Re-reads the per-app, per-state counts from the instance records. */
    public void refresh() {
        Map<String, Long> now = new ConcurrentHashMap<>();
        instances.countsByAppAndState().forEach(c -> now.put(key(c.app(), c.state()), c.count()));
        now.keySet().forEach(key -> {
            String[] parts = key.split("\u0000");
            count(parts[0], InstanceState.valueOf(parts[1]));
        });
        counts.forEach((key, value) -> value.set(now.getOrDefault(key, 0L)));
    }

    private AtomicLong count(String app, InstanceState state) {
        return counts.computeIfAbsent(key(app, state), key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("unifarm.instances", value, AtomicLong::get).description("instances on record by app and state")
                    .tags(Tags.of("app", app, "state", state.name())).register(registry);
            return value;
        });
    }

    private Timer boot(String app) {
        return Timer.builder("unifarm.instance.boot").description("start request to Running")
                .tags("app", app).serviceLevelObjectives(MetricBuckets.boot()).register(registry);
    }

    private Counter restarts(String app) {
        return Counter.builder("unifarm.instance.restarts").description("runs booted again by the restart policy")
                .tags("app", app).register(registry);
    }

    private Counter diagnoses(String app, String reason) {
        return Counter.builder("unifarm.diagnoses").description("failed runs by diagnosed cause")
                .tags("app", app, "reason", reason).register(registry);
    }

    /**
     * The status that tells a run failed with a diagnosis: the final one, or — when a restart policy
     * boots the instance again, which publishes {@code BackOff} instead of the failure — the next run's
     * {@code Booting}, which carries the previous run's reason until it ends.
     */
    private static boolean endsDiagnosedRun(InstanceStatus status) {
        boolean end = status.state() == InstanceState.Failed
                || status.state() == InstanceState.Booting && status.restarts() > 0;
        return end && status.reason() != null && FailureDiagnoser.REASONS.contains(status.reason());
    }

    private static String key(String app, InstanceState state) {
        return app + "\u0000" + state.name();
    }

    /** VmRSS of the QEMU whose pid the instance dir holds; NaN when it cannot be read. */
    private double residentBytes(String id) {
        try {
            Path pidFile = dirs.instance(id).resolve("qemu.pid");
            String pid = Files.readString(pidFile).strip();
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not started yet, or already gone
        }
        return Double.NaN;
    }
}
