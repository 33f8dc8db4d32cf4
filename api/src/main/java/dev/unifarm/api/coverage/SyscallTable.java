package dev.unifarm.api.coverage;

import java.util.Set;

/**
 * The syscalls a kernel profile implements (predicted coverage): every one for the {@code linux}
 * profile, else the names read from the kernel's build (helper G's table: {@code uk_syscall_r_<name>}
 * symbols or {@code provided_syscalls.in}).
 */
public record SyscallTable(boolean everything, Set<String> names) {

    public SyscallTable {
        names = Set.copyOf(names);
    }

    public static SyscallTable all() {
        return new SyscallTable(true, Set.of());
    }

    public static SyscallTable of(Set<String> names) {
        return new SyscallTable(false, names);
    }

    public boolean implementsCall(String name) {
        return everything || names.contains(name);
    }
}
