package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code unifarm.instances.*}: guest memory, stop and boot timing, restart backoff of every instance. */
public interface InstancesConfig {
    /** Guest memory when the app spec sets none; CoreCLR plus a RAM-held initrd need a few hundred MiB. */
    @WithDefault("512")
    int defaultMemoryMib();

    /** How long QEMU gets to quit over QMP before it is killed. */
    @WithDefault("PT5S")
    Duration stopGrace();

    /**
     * How long the guest gets after QMP {@code system_powerdown} before {@code quit}. Our Linux
     * guest ignores the power button (no ACPI handling in its init), so this is paid on every stop.
     */
    @WithDefault("PT3S")
    Duration powerdownWait();

    /** The longest wait for any QMP answer; none means QMP is unusable and QEMU is killed. */
    @WithDefault("PT5S")
    Duration qmpTimeout();

    /** A VM whose console shows a fatal line and that has not ended this long after it is stopped: {@code Failed} with its diagnosis' reason, else {@code Hung}. */
    @WithDefault("PT10S")
    Duration watchdogGrace();

    /**
     * A booting instance with no app output this long after QEMU started is stopped and ends
     * {@code Failed}/{@code BootTimeout}; unset: 60 s under KVM, 3 min under TCG.
     */
    Optional<Duration> bootTimeout();

    /** Restart backoff: the first delay, doubled per restart up to the cap. */
    @WithDefault("PT1S")
    Duration restartBackoffInitial();

    @WithDefault("PT60S")
    Duration restartBackoffCap();

    /** A run at least this long starts the backoff series again. */
    @WithDefault("PT2M")
    Duration restartBackoffReset();

    /** The local host's budget for instances; starts beyond it stay Pending until room frees up. */
    CapacityConfig capacity();

    /** What each local QEMU runs under (README, "Security"). */
    ContainmentConfig containment();
}
