package dev.unifarm.scheduler;

import java.util.List;

/** How QEMU runs the guest: KVM hardware virtualization, or TCG software emulation. */
public enum Accelerator {
    kvm(List.of("-accel", "kvm", "-cpu", "host")),
    /**
     * TCG's translation buffer sized for a one-vCPU guest. QEMU 7.2's default (1 GiB, touched as code is
     * translated) grows with all the code a guest ever ran; measured on hello (peak RssAnon, 3 rounds):
     * 403 MB by default, 382 at 64 MiB with no boot cost, 351 at 32 and 320 at 16, where boots got slower.
     */
    tcg(List.of("-accel", "tcg,tb-size=" + Accelerator.TB_SIZE_MIB));

    static final int TB_SIZE_MIB = 64;

    private final List<String> qemuArgs;

    Accelerator(List<String> qemuArgs) {
        this.qemuArgs = qemuArgs;
    }

    public List<String> qemuArgs() {
        return qemuArgs;
    }
}
