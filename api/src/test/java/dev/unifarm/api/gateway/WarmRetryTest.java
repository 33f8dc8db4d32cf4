package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmRetryTest {

    @Test
    void testHolding_forTenSecondsAfterAFailureOnly() {
        WarmRetry retry = new WarmRetry();
        assertThat(retry.holding(0)).isFalse();

        retry.failed(0);

        assertThat(retry.holding(Duration.ofSeconds(9).toNanos())).isTrue();
        assertThat(retry.holding(Duration.ofSeconds(10).toNanos())).isFalse();
    }
}
