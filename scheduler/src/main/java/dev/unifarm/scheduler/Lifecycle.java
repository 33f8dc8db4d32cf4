package dev.unifarm.scheduler;

import java.time.Duration;

/**
 * How the scheduler ends and restarts instances.
 *
 * @param powerdownWait how long the guest gets after QMP {@code system_powerdown} before {@code quit}
 * @param quitWait how long QEMU gets after {@code quit} before it is killed (and after the kill)
 * @param qmpTimeout the longest wait for any QMP answer (greeting, command); none means QMP is unusable
 * @param backoff delays between restarts
 * @param watchdogGrace how long a VM whose console shows a fatal line may take to exit before it is
 *     stopped and marked {@code Failed}/{@code Hung}
 */
public record Lifecycle(Duration powerdownWait, Duration quitWait, Duration qmpTimeout, Backoff backoff, Duration watchdogGrace) {

    public static Lifecycle defaults(Duration quitWait) {
        return new Lifecycle(Duration.ofSeconds(3), quitWait, Duration.ofSeconds(5), Backoff.DEFAULT, Duration.ofSeconds(10));
    }

    /** The same timings with another powerdown wait (one stop that gives the guest longer to finish). */
    public Lifecycle withPowerdownWait(Duration wait) {
        return new Lifecycle(wait, quitWait, qmpTimeout, backoff, watchdogGrace);
    }
}
