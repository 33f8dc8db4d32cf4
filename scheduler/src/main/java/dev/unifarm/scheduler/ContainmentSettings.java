package dev.unifarm.scheduler;

/**
 * How instances' QEMUs are to be contained on a local host (the operator's {@code unifarm.instances.containment}); what
 * the host allows of it is found out by the local scheduler.
 *
 * @param enabled false only to measure what containment costs (bench): QEMU then runs as the farm's user, unsandboxed
 * @param uidFirst the first uid of the range instances' QEMUs run as
 * @param uidCount how many uids the range has
 * @param memoryHeadroomMiB what QEMU may use beside guest memory before its cgroup stops it (TCG's code buffer, device state, page cache)
 * @param memoryLimitMiB a cgroup memory limit for every instance instead of guest memory + headroom; 0 for that sum
 * @param cpus the CPU quota per instance, in CPUs (a one-vCPU guest plus QEMU's I/O thread); null for none
 * @param pids the task limit per instance (QEMU's threads); null for none
 * @param guestOutbound whether guests may open connections out of their user network (and so reach this host's loopback)
 */
public record ContainmentSettings(boolean enabled, int uidFirst, int uidCount, long memoryHeadroomMiB, long memoryLimitMiB, Double cpus,
        Integer pids, boolean guestOutbound) {

    public static final int DEFAULT_UID_FIRST = 900_000;
    public static final int DEFAULT_UID_COUNT = 65_536;

    public ContainmentSettings {
        if (memoryHeadroomMiB < 0 || memoryLimitMiB < 0 || (cpus != null && cpus <= 0) || (pids != null && pids <= 0)) {
            throw new IllegalArgumentException("containment limits must be positive: " + memoryHeadroomMiB + " MiB headroom, "
                    + memoryLimitMiB + " MiB limit, " + cpus + " CPUs, " + pids + " tasks");
        }
        if (uidFirst <= 0 || uidCount <= 0 || (long) uidFirst + uidCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("uid range must be positive and within 31 bits: " + uidFirst + "+" + uidCount);
        }
    }

    /** Contained, the first uid 900000, 256 MiB headroom, 1.5 CPUs and 256 tasks per instance, no outbound connections. */
    public static ContainmentSettings defaults() {
        return new ContainmentSettings(true, DEFAULT_UID_FIRST, DEFAULT_UID_COUNT, 256, 0, 1.5, 256, false);
    }

    /** These settings with guests allowed (or not) to connect out. */
    public ContainmentSettings withGuestOutbound(boolean outbound) {
        return new ContainmentSettings(enabled, uidFirst, uidCount, memoryHeadroomMiB, memoryLimitMiB, cpus, pids, outbound);
    }

    /** These settings with every instance's memory capped at {@code limitMiB}. */
    public ContainmentSettings withMemoryLimitMiB(long limitMiB) {
        return new ContainmentSettings(enabled, uidFirst, uidCount, memoryHeadroomMiB, limitMiB, cpus, pids, guestOutbound);
    }
}
