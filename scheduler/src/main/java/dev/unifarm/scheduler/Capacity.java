package dev.unifarm.scheduler;

import java.lang.management.ManagementFactory;

/**
 * The local host's budget for instances (local mode; docs/instances.md, "scheduler"): guest memory
 * plus a per-QEMU overhead, one vCPU per instance ({@code -smp 1}), and a cap on instances booting at
 * the same time.
 *
 * @param memoryMiB memory all admitted instances may use together (guest memory + overhead each)
 * @param vcpus vCPUs all admitted instances may use together (each uses one)
 * @param overheadMiB what QEMU itself needs beside the guest memory, counted per instance
 * @param maxBooting instances allowed in {@code Booting} at once (boots are CPU-heavy under TCG)
 */
public record Capacity(long memoryMiB, int vcpus, long overheadMiB, int maxBooting) {

    /** QEMU's own resident memory beside the guest's, rounded up (TCG's translation cache is most of it). */
    public static final long DEFAULT_OVERHEAD_MIB = 64;
    /** The share of the host's RAM the farm gives to instances by default. */
    public static final double DEFAULT_MEMORY_SHARE = 0.75;

    public Capacity {
        if (memoryMiB <= 0 || vcpus <= 0 || overheadMiB < 0 || maxBooting <= 0) {
            throw new IllegalArgumentException("capacity needs positive memory, vCPUs and boot cap and a non-negative overhead: "
                    + memoryMiB + " MiB, " + vcpus + " vCPUs, " + overheadMiB + " MiB overhead, " + maxBooting + " boots");
        }
    }

    /** A share of this host: 75% of its RAM, all its processors, and as many concurrent boots as processors. */
    public static Capacity ofHost() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new Capacity((long) (hostMemoryMiB() * DEFAULT_MEMORY_SHARE), cpus, DEFAULT_OVERHEAD_MIB, cpus);
    }

    /** What one instance with {@code guestMemoryMiB} of guest memory takes from the budget. */
    public long footprintMiB(int guestMemoryMiB) {
        return guestMemoryMiB + overheadMiB;
    }

    public static long hostMemoryMiB() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize() / (1024 * 1024);
        }
        throw new IllegalStateException("cannot read the host's memory size: configure the capacity explicitly");
    }
}
