package dev.unifarm.api.coverage;

import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.imager.CommandLineKind;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Default {@link SyscallTables}: a Linux kernel implements every syscall; other kernels have no table yet. */
@ApplicationScoped
@DefaultBean
public class LinuxSyscallTables implements SyscallTables {

    private final KernelProfiles profiles;

    LinuxSyscallTables(KernelProfiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public Optional<SyscallTable> table(String kernelProfile) {
        return profiles.get(kernelProfile).filter(p -> p.commandLine() == CommandLineKind.LINUX).map(p -> SyscallTable.all());
    }
}
