package dev.unifarm.api.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.apps.AppDeleted;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** {@link NeedsMetrics}: one series per syscall of the newest sweep, class shares, stale series removed. */
class NeedsMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NeedsMetrics metrics = new NeedsMetrics(registry);

    @Test
    void testNeedsFinished_oneSeriesPerSyscallAndTheClassShares() {
        metrics.needsFinished("hello", NeedsConsoleLines.result("openat", "required", "mlock", "fakeable", "rseq", "stubbable",
                "clone3", "stubbable"));

        assertThat(need("hello", "openat", "required")).isEqualTo(1.0);
        assertThat(need("hello", "mlock", "fakeable")).isEqualTo(1.0);
        assertThat(registry.find(NeedsMetrics.NEED).tag("app", "hello").gauges()).hasSize(4);
        assertThat(ratio("hello", "stubbable")).isEqualTo(0.5, Offset.offset(1e-9));
        assertThat(ratio("hello", "required")).isEqualTo(0.25, Offset.offset(1e-9));
        assertThat(ratio("hello", "untried")).isZero();
    }

    @Test
    void testNeedsFinished_aNewSweepReplacesTheAppsSeries() {
        metrics.needsFinished("hello", NeedsConsoleLines.result("openat", "required", "mlock", "fakeable"));
        metrics.needsFinished("other", NeedsConsoleLines.result("openat", "required"));

        metrics.needsFinished("hello", NeedsConsoleLines.result("openat", "required", "mlock", "stubbable", "msync", "stubbable",
                "rseq", "stubbable"));

        assertThat(registry.find(NeedsMetrics.NEED).tags("app", "hello", "syscall", "mlock", "class", "fakeable").gauge())
                .as("mlock's old class").isNull();
        assertThat(need("hello", "mlock", "stubbable")).isEqualTo(1.0);
        assertThat(registry.find(NeedsMetrics.NEED).tag("app", "hello").gauges()).hasSize(4);
        assertThat(ratio("hello", "fakeable")).isZero();
        assertThat(ratio("hello", "stubbable")).isEqualTo(0.75, Offset.offset(1e-9));
        assertThat(need("other", "openat", "required")).as("another app's series stay").isEqualTo(1.0);
    }

    @Test
    void testAppDeleted_removesItsSeries() {
        metrics.needsFinished("hello", NeedsConsoleLines.result("openat", "required"));

        metrics.appDeleted(new AppDeleted("hello", List.of()));

        assertThat(registry.find(NeedsMetrics.NEED).tag("app", "hello").gauges()).isEmpty();
        assertThat(registry.find(NeedsMetrics.RATIO).tag("app", "hello").gauges()).isEmpty();
    }

    private double need(String app, String syscall, String needClass) {
        Gauge gauge = registry.find(NeedsMetrics.NEED).tags("app", app, "syscall", syscall, "class", needClass).gauge();
        assertThat(gauge).as("%s %s %s", app, syscall, needClass).isNotNull();
        return gauge.value();
    }

    private double ratio(String app, String needClass) {
        Gauge gauge = registry.find(NeedsMetrics.RATIO).tags("app", app, "class", needClass).gauge();
        assertThat(gauge).as("%s %s", app, needClass).isNotNull();
        return gauge.value();
    }
}
