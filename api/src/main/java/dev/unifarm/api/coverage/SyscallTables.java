package dev.unifarm.api.coverage;

import java.util.Optional;

/**
 * Where the coverage report gets a kernel profile's table from ({@link KernelSyscallTables}: the
 * profiles' configured tables; a seam for tests).
 */
public interface SyscallTables {

    /** The profile's table; empty when this farm cannot tell (the report then has no predicted coverage). */
    Optional<SyscallTable> table(String kernelProfile);
}
