package dev.unifarm.scheduler;

import java.util.Arrays;
import java.util.Locale;

/**
 * What the operator asks for ({@code unifarm.scheduler.accelerator}, a launcher's
 * {@code UNIFARM_ACCELERATOR}): {@code auto} lets the {@code local.AcceleratorProbe} decide, {@code kvm}
 * insists on KVM (the farm refuses to start where a test guest does not run under it), {@code tcg}
 * never tries KVM (KubeVirt's {@code useEmulation}).
 */
public enum AcceleratorSetting {
    auto, kvm, tcg;

    public static AcceleratorSetting parse(String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("accelerator must be one of auto, kvm, tcg; got \"" + value + "\""));
    }
}
