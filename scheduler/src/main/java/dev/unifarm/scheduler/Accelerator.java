package dev.unifarm.scheduler;

import dev.unifarm.imager.model.CommandLineKind;
import java.util.ArrayList;
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

    /** The accelerator alone, as the probe tries it ({@code local.AcceleratorProbe}): no guest needs more to prove it runs. */
    public List<String> qemuArgs() {
        return qemuArgs;
    }

    /**
     * The accelerator and the CPU model for a guest whose kernel speaks {@code kind}. TCG's default
     * CPU (qemu64) has no 1 GiB pages ({@code pdpe1gb}), which Unikraft's paging needs: every boot
     * halts with {@code 1GiB pages not supported}, {@code Mem init failed: -95}. {@code -cpu max}
     * (everything TCG emulates) boots it. Linux guests keep TCG's default: their boot time does not
     * change measurably with {@code max}, but the {@code crash} sample's CoreCLR 2.0 no longer exits after
     * its unhandled exception (killed by SIGSEGV, exit 139, on the default CPU; with {@code max} the VM
     * idles until the watchdog stops it), so the linux reference behaviour would change.
     */
    public List<String> qemuArgs(CommandLineKind kind) {
        if (this != tcg || kind != CommandLineKind.UNIKRAFT) {
            return qemuArgs;
        }
        List<String> args = new ArrayList<>(qemuArgs);
        args.addAll(List.of("-cpu", "max"));
        return List.copyOf(args);
    }
}
