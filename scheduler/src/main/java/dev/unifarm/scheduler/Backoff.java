package dev.unifarm.scheduler;

import java.time.Duration;

/**
 * Capped exponential backoff between restarts: {@code initial}, twice that, four times … up to
 * {@code cap}. A run that lasted at least {@code resetAfter} starts the series again.
 */
public record Backoff(Duration initial, Duration cap, Duration resetAfter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(120));

    public Backoff {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= cap, got " + initial + " and " + cap);
        }
    }

    /** The wait before the next restart after {@code consecutive} restarts without a long enough run. */
    public Duration delay(int consecutive) {
        Duration delay = initial;
        for (int i = 0; i < consecutive && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    /** Whether a run of {@code ran} resets the series. */
    public boolean resets(Duration ran) {
        return ran.compareTo(resetAfter) >= 0;
    }
}
