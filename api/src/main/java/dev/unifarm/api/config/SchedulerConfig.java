package dev.unifarm.api.config;

import dev.unifarm.scheduler.AcceleratorSetting;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code unifarm.scheduler.*}: which scheduler runs instances and with which accelerator. */
public interface SchedulerConfig {
    @WithDefault("local")
    SchedulerMode mode();

    /**
     * {@code auto}: KVM where a test guest runs under it within {@link #acceleratorProbeTimeout()}, else
     * TCG; {@code kvm}: the farm refuses to start where it does not; {@code tcg}: KVM is never tried.
     * In Kubernetes mode every launcher Pod gets this setting and probes its own node.
     */
    @WithDefault("auto")
    AcceleratorSetting accelerator();

    /** How long the accelerator probe's test guest gets to print its marker (a working KVM: a few ms). */
    @WithDefault("PT3S")
    Duration acceleratorProbeTimeout();

    /** Used in {@code kubernetes} mode only. */
    KubernetesConfig kubernetes();
}
