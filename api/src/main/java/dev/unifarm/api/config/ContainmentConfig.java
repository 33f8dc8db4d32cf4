package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;

/** {@code unifarm.instances.containment.*}: the uid range, cgroup limits and network each local QEMU runs under. */
public interface ContainmentConfig {
    /** Off only to measure what containment costs: QEMU then runs as the farm's user, without sandbox or caps. */
    @WithDefault("true")
    boolean enabled();

    /** The first uid (and gid) of the range instances' QEMUs run as, one each; none may be a host account's. */
    @WithDefault("900000")
    int uidFirst();

    @WithDefault("65536")
    int uidCount();

    /** Memory QEMU may use beside the guest's before its cgroup stops it: TCG's code buffer, device state, page cache. */
    @WithDefault("256")
    long memoryHeadroomMib();

    /** One memory cap (MiB) for every instance instead of guest memory + headroom; 0 for that sum. */
    @WithDefault("0")
    long memoryLimitMib();

    /** CPU quota per instance, in CPUs: the vCPU's thread plus QEMU's I/O. */
    @WithDefault("1.5")
    double cpus();

    /** Tasks (QEMU's threads) per instance. */
    @WithDefault("256")
    int pidsMax();

    /**
     * Whether guests may open connections out of their user network. Off, a guest reaches nothing but its
     * forwarded port; on, it also reaches this host's loopback (QEMU's 10.0.2.2): the farm's API and database.
     */
    @WithDefault("false")
    boolean guestOutbound();
}
