package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.config.GatewayConfig;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

    /** The farm's defaults as {@code GatewayConfig} declares them. */
    private static final GatewayConfig DEFAULTS = new GatewayConfig() {
        public boolean enabled() { return true; }
        public String host() { return "127.0.0.1"; }
        public int port() { return 8081; }
        public Optional<String> domain() { return Optional.empty(); }
        public Duration activationTimeout() { return Duration.ofSeconds(60); }
        public Duration defaultIdleTimeout() { return Duration.ofMinutes(5); }
        public int defaultMaxInstances() { return 1; }
        public int defaultMaxConcurrency() { return 0; }
        public Snapshots snapshots() { return () -> true; }
    };

    @Test
    void testOf_noScalingTakesTheFarmDefaults() {
        assertThat(ScalingPolicy.of(null, DEFAULTS))
                .isEqualTo(new ScalingPolicy(0, 1, Duration.ofMinutes(5), Integer.MAX_VALUE));
    }

    @Test
    void testOf_specWinsAndMaxInstancesNeverBelowMin() {
        assertThat(ScalingPolicy.of(new AppSpec.Scaling(2, 4, "PT30S", 10), DEFAULTS))
                .isEqualTo(new ScalingPolicy(2, 4, Duration.ofSeconds(30), 10));
        assertThat(ScalingPolicy.of(new AppSpec.Scaling(3, null, null, null), DEFAULTS).maxInstances()).isEqualTo(3);
    }

    @Test
    void testHasRoom_belowMaxConcurrencyOnly() {
        ScalingPolicy one = new ScalingPolicy(0, 2, Duration.ofSeconds(5), 1);
        assertThat(one.hasRoom(0)).isTrue();
        assertThat(one.hasRoom(1)).isFalse();
    }

    @Test
    void testWanted_minimumOrTheDemandAtMaxConcurrencyEachCappedAtMaxInstances() {
        ScalingPolicy two = new ScalingPolicy(1, 3, Duration.ofSeconds(5), 2);
        assertThat(two.wanted(0, false)).isEqualTo(1);
        assertThat(two.wanted(0, true)).isZero();
        assertThat(two.wanted(3, true)).isEqualTo(2);
        assertThat(two.wanted(100, false)).isEqualTo(3);
        assertThat(new ScalingPolicy(0, 4, Duration.ofSeconds(5), Integer.MAX_VALUE).wanted(50, false)).isEqualTo(1);
    }
}
