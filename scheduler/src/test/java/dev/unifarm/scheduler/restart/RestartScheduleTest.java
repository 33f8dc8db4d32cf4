package dev.unifarm.scheduler.restart;

import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.RestartPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The restart decision both schedulers share: whether by policy, when by backoff. */
class RestartScheduleTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(60));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void testRestarts_asThePolicySays() {
        assertThat(new RestartSchedule(RestartPolicy.Never, BACKOFF).restarts(InstanceState.Failed)).isFalse();
        assertThat(new RestartSchedule(RestartPolicy.OnFailure, BACKOFF).restarts(InstanceState.Failed)).isTrue();
        assertThat(new RestartSchedule(RestartPolicy.OnFailure, BACKOFF).restarts(InstanceState.Succeeded)).isFalse();
        assertThat(new RestartSchedule(RestartPolicy.Always, BACKOFF).restarts(InstanceState.Succeeded)).isTrue();
        assertThat(new RestartSchedule(RestartPolicy.Always, BACKOFF).restarts(InstanceState.Stopped)).isFalse();
    }

    @Test
    void testNext_quickEndsDoubleTheDelayUpToTheCapAsACrashLoop() {
        RestartSchedule schedule = new RestartSchedule(RestartPolicy.Always, BACKOFF);

        RestartSchedule.Restart first = schedule.next(T0, T0.plusSeconds(1));
        RestartSchedule.Restart second = schedule.next(T0, T0.plusSeconds(1));
        schedule.next(T0, T0.plusSeconds(1));
        schedule.next(T0, T0.plusSeconds(1));
        RestartSchedule.Restart capped = schedule.next(T0, T0.plusSeconds(1));

        assertThat(first).isEqualTo(new RestartSchedule.Restart(Duration.ofSeconds(1), false));
        assertThat(second).isEqualTo(new RestartSchedule.Restart(Duration.ofSeconds(2), true));
        assertThat(capped.delay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(schedule.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(8));
    }

    @Test
    void testNext_aLongEnoughRunStartsTheSeriesAgain() {
        RestartSchedule schedule = new RestartSchedule(RestartPolicy.OnFailure, BACKOFF);
        schedule.next(T0, T0.plusSeconds(1));
        schedule.next(T0, T0.plusSeconds(1));

        RestartSchedule.Restart afterALongRun = schedule.next(T0, T0.plusSeconds(60));

        assertThat(afterALongRun).isEqualTo(new RestartSchedule.Restart(Duration.ofSeconds(1), false));
    }

    @Test
    void testNext_aRunThatNeverBootedDoesNotReset() {
        RestartSchedule schedule = new RestartSchedule(RestartPolicy.OnFailure, BACKOFF);
        schedule.next(T0, T0.plusSeconds(1));

        assertThat(schedule.next(null, T0.plusSeconds(600))).isEqualTo(new RestartSchedule.Restart(Duration.ofSeconds(2), true));
    }
}
