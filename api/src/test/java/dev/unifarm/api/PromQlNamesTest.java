package dev.unifarm.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Metric names out of PromQL: functions, keywords, labels, strings, numbers and durations are not names. */
class PromQlNamesTest {

    @Test
    void testOf_histogramQuantileOverRateGivesTheBucketSeriesOnly() {
        assertThat(PromQlNames.of("histogram_quantile(0.95, sum by (le, app) (rate(unifarm_gateway_requests_seconds_bucket"
                + "{app=~\"$app\", le!=\"+Inf\"}[5m])))")).containsExactly("unifarm_gateway_requests_seconds_bucket");
    }

    @Test
    void testOf_binaryOperatorsKeywordsAndOffsetsLeaveBothOperands() {
        assertThat(PromQlNames.of("sum(a_total offset 5m) / on (app) group_left (kind) b:ratio or vector(1e3) > bool 2"))
                .containsExactly("a_total", "b:ratio");
        assertThat(PromQlNames.of("(x_total unless x_total offset $__rate_interval) or increase(x_total[$__rate_interval])"))
                .containsExactly("x_total");
    }

    @Test
    void testOf_labelValuesAndStringsAreNotNames() {
        assertThat(PromQlNames.of("topk(10, sum by (syscall) (unifarm_syscalls_total{outcome=\"enosys\", app=~\"x|y\"}))"))
                .containsExactly("unifarm_syscalls_total");
        assertThat(PromQlNames.of("count(count by (app) (unifarm_instances))")).containsExactly("unifarm_instances");
    }
}
