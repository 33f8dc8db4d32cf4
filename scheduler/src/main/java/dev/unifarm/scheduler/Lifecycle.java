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
 *     stopped and marked {@code Failed} (its diagnosis' reason, else {@code Hung})
 * @param bootTimeout how long a booting instance may take to its first app line before it is stopped
 *     and marked {@code Failed}/{@code BootTimeout}
 */
public record Lifecycle(Duration powerdownWait, Duration quitWait, Duration qmpTimeout, Backoff backoff, Duration watchdogGrace,
        Duration bootTimeout) {

    public static Lifecycle defaults(Duration quitWait) {
        return new Lifecycle(Duration.ofSeconds(3), quitWait, Duration.ofSeconds(5), Backoff.DEFAULT, Duration.ofSeconds(10),
                defaultBootTimeout(Accelerator.tcg));
    }

    /**
     * The boot bound when none is configured: a .NET app prints within a few seconds under KVM and
     * within 3–5 s under TCG on an idle host, but TCG boots on a busy 2-core host (or a traced run)
     * take several times that, so TCG gets a generous bound.
     */
    public static Duration defaultBootTimeout(Accelerator accel) {
        return accel == Accelerator.kvm ? Duration.ofSeconds(60) : Duration.ofMinutes(3);
    }

    /** The same timings with another powerdown wait (one stop that gives the guest longer to finish). */
    public Lifecycle withPowerdownWait(Duration wait) {
        return new Lifecycle(wait, quitWait, qmpTimeout, backoff, watchdogGrace, bootTimeout);
    }

    public Lifecycle withBootTimeout(Duration bound) {
        return new Lifecycle(powerdownWait, quitWait, qmpTimeout, backoff, watchdogGrace, bound);
    }
}
