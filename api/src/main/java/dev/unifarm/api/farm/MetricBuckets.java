package dev.unifarm.api.farm;

import java.time.Duration;
import java.util.Arrays;

/**
 * The farm's histogram buckets, explicit and few: Micrometer's percentile histogram published 87 bucket
 * series per app for a 1 ms … 5 min timer, most of what a 1,000-app farm would pay for. Each list ends
 * where the thing it measures stops being worth telling apart; anything beyond lands in {@code +Inf}.
 */
public final class MetricBuckets {

    private MetricBuckets() {
    }

    /** Boots and activation waits: KVM boots take well under a second, TCG ones on a busy host minutes. */
    public static Duration[] boot() {
        return seconds(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300);
    }

    /** Gateway activations: a snapshot restore takes a fraction of a second, a boot seconds (TCG: minutes when busy). */
    public static Duration[] activation() {
        return seconds(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300);
    }

    /** Gateway requests: a warm answer takes milliseconds, a cold one waits for a boot. */
    public static Duration[] request() {
        return seconds(0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 60, 120, 300);
    }

    /** Builds: seconds with a warm runtime cache, minutes for a first runtime or a registry push. */
    public static Duration[] build() {
        return seconds(1, 2, 5, 10, 30, 60, 120, 300, 600);
    }

    /** Reference runs: a traced boot, the app's run and its trace, up to unifarm.coverage.reference-limit (10 min). */
    public static Duration[] referenceRun() {
        return seconds(10, 20, 30, 60, 120, 300, 600);
    }

    private static Duration[] seconds(double... bounds) {
        return Arrays.stream(bounds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
