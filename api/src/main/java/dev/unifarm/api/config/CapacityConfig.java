package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code unifarm.instances.capacity.*}: the local host's budget for instances. */
public interface CapacityConfig {
    /** Memory (MiB) for all instances together, guest memory + overhead each; default 75% of the host's RAM. */
    Optional<Long> memoryMib();

    /** vCPUs for all instances together (one each); default the host's processors. */
    Optional<Integer> vcpus();

    /** QEMU's own memory per instance beside the guest's. */
    @WithDefault("64")
    long overheadMib();

    /** Instances booting at once; default the host's processors. */
    Optional<Integer> maxBooting();
}
