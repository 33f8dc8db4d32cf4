package dev.unifarm.scheduler;

import java.util.List;

/** How QEMU runs the guest: KVM hardware virtualization, or TCG software emulation. */
public enum Accelerator {
    kvm(List.of("-accel", "kvm", "-cpu", "host")),
    /**
     * TCG's default CPU (qemu64) has no 1 GiB pages ({@code pdpe1gb}), which Unikraft's paging needs:
     * every app-elfloader boot halted ({@code 1GiB pages not supported}, {@code Mem init failed: -95}).
     * {@code max} is everything TCG emulates. Given to every TCG guest: for {@code linux} hello it made no
     * measurable difference (QEMU start to the app's line, 9 runs each: median 4.06 s without, 4.19 s with,
     * paired differences −2.4…+0.8 s on a busy 2-core host).
     */
    tcg(List.of("-accel", "tcg", "-cpu", "max"));

    private final List<String> qemuArgs;

    Accelerator(List<String> qemuArgs) {
        this.qemuArgs = qemuArgs;
    }

    public List<String> qemuArgs() {
        return qemuArgs;
    }
}
