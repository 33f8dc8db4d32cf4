package dev.unifarm.scheduler;

import java.util.List;

/** How QEMU runs the guest: KVM hardware virtualization, or TCG software emulation. */
public enum Accelerator {
    kvm(List.of("-accel", "kvm", "-cpu", "host")),
    tcg(List.of("-accel", "tcg"));

    private final List<String> qemuArgs;

    Accelerator(List<String> qemuArgs) {
        this.qemuArgs = qemuArgs;
    }

    public List<String> qemuArgs() {
        return qemuArgs;
    }
}
