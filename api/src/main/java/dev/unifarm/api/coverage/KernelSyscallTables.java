package dev.unifarm.api.coverage;

import dev.unifarm.api.farm.KernelProfiles;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The kernel profiles' syscall tables ({@link KernelProfiles#syscalls}): a {@code linux} kernel
 * implements everything; a Unikraft kernel what its {@code syscalls-symbols} or
 * {@code provided-syscalls} lists (Linux x86_64 names only, as traces name them); none configured → empty.
 */
@ApplicationScoped
public class KernelSyscallTables implements SyscallTables {

    private final KernelProfiles profiles;

    KernelSyscallTables(KernelProfiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public Optional<SyscallTable> table(String kernelProfile) {
        return profiles.syscalls(kernelProfile)
                .map(table -> "linux".equals(table.source()) ? SyscallTable.all() : SyscallTable.of(table.linuxNames()));
    }
}
