package dev.unifarm.imager.rootfs;

/**
 * The files that stand in for procfs (and devtmpfs), which app-elfloader lacks. Each can be left out
 * on purpose to show (as a negative control or a diagnosis aid) what CoreCLR does without it.
 */
public enum ProcPatch {
    /** {@code [stack]} line in {@code /proc/1/maps}; without it CoreCLR fails to initialize. */
    STACK_MAPPING,
    /** {@code /proc/self/exe}; without it the host cannot find its own path. */
    SELF_EXE,
    /** {@code /dev/zero}; without it CoreCLR cannot map an assembly ({@code HRESULT: 0x8007054F}). */
    DEV_ZERO
}
