package dev.unifarm.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void testDelay_doublesUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(120));

        assertThat(backoff.delay(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(backoff.delay(6)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay(1000)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void testResets_onlyAfterALongEnoughRun() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(120));

        assertThat(backoff.resets(Duration.ofSeconds(119))).isFalse();
        assertThat(backoff.resets(Duration.ofSeconds(120))).isTrue();
    }

    @Test
    void testNew_capBelowInitialIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
