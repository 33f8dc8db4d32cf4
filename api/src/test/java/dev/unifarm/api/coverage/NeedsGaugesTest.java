package dev.unifarm.api.coverage;

import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static dev.unifarm.api.testing.FarmMetrics.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppRepository;
import dev.unifarm.api.testing.FarmClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The needs gauges on {@code /q/metrics}, and back after a restart from the stored sweeps ({@link NeedsGauges}). */
@QuarkusTest
class NeedsGaugesTest {

    @Inject
    AppRepository apps;
    @Inject
    NeedsRepository needs;
    @Inject
    ObjectMapper json;
    @Inject
    NeedsGauges gauges;
    @Inject
    MeterRegistry registry;

    private final String app = FarmClient.uniqueName("needs");

    @AfterEach
    void deleteApp() {
        apps.delete(app);
    }

    @Test
    void testStartup_gaugesComeBackFromTheNewestStoredSweep() {
        StoredSweeps sweeps = new StoredSweeps(apps, needs, json);
        sweeps.done(app, 1, "openat", "required", "swapon", "required");
        sweeps.done(app, 2, "openat", "required", "mlock", "fakeable", "rseq", "stubbable", "clone3", "stubbable");
        // A restarted farm starts with an empty registry: the stored sweeps are all it has.
        registry.find(NeedsMetrics.NEED).tag("app", app).meters().forEach(registry::remove);
        registry.find(NeedsMetrics.RATIO).tag("app", app).meters().forEach(registry::remove);

        gauges.atStart(null);

        String metrics = metrics();
        assertThat(value(metrics, "unifarm_syscall_need{app=\"" + app + "\",class=\"required\",syscall=\"openat\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "unifarm_syscall_need{app=\"" + app + "\",class=\"fakeable\",syscall=\"mlock\"}")).isEqualTo(1.0);
        assertThat(metrics).as("revision 1's sweep is not the newest")
                .doesNotContain("unifarm_syscall_need{app=\"" + app + "\",class=\"required\",syscall=\"swapon\"}");
        assertThat(value(metrics, "unifarm_syscall_need_ratio{app=\"" + app + "\",class=\"stubbable\"}")).isEqualTo(0.5);
        assertThat(value(metrics, "unifarm_syscall_need_ratio{app=\"" + app + "\",class=\"required\"}")).isEqualTo(0.25);
    }
}
