package dev.unifarm.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    @Test
    void testRestarts_failureUnderOnFailureAndAlwaysOnly() {
        assertThat(RestartPolicy.Never.restarts(InstanceState.Failed)).isFalse();
        assertThat(RestartPolicy.OnFailure.restarts(InstanceState.Failed)).isTrue();
        assertThat(RestartPolicy.Always.restarts(InstanceState.Failed)).isTrue();
    }

    @Test
    void testRestarts_exitZeroUnderAlwaysOnly() {
        assertThat(RestartPolicy.Never.restarts(InstanceState.Succeeded)).isFalse();
        assertThat(RestartPolicy.OnFailure.restarts(InstanceState.Succeeded)).isFalse();
        assertThat(RestartPolicy.Always.restarts(InstanceState.Succeeded)).isTrue();
    }

    @Test
    void testRestarts_stoppedNever() {
        for (RestartPolicy policy : RestartPolicy.values()) {
            assertThat(policy.restarts(InstanceState.Stopped)).as(policy.name()).isFalse();
        }
    }

    @Test
    void testOf_nullIsNever() {
        assertThat(RestartPolicy.of(null)).isEqualTo(RestartPolicy.Never);
        assertThat(RestartPolicy.of("OnFailure")).isEqualTo(RestartPolicy.OnFailure);
    }
}
