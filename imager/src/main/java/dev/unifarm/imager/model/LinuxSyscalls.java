package dev.unifarm.imager.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Linux x86_64 system call names (from the kernel's uapi {@code asm/unistd_64.h}): what a trace
 * line or a kernel table entry must name to count as a syscall rather than app text or a
 * Unikraft-internal function, and what a traced image may fail with ENOSYS ({@link TraceOptions}).
 * Linux 6.1's table (up to {@code set_mempolicy_home_node}), the kernel the farm provisions; Debian
 * bookworm's strace 6.1 knows every name in it.
 */
public final class LinuxSyscalls {

    private static final Set<String> NAMES = load();

    private LinuxSyscalls() {
    }

    public static boolean isSyscall(String name) {
        return NAMES.contains(name);
    }

    /** Every name, sorted. */
    public static Set<String> all() {
        return NAMES;
    }

    private static Set<String> load() {
        try (InputStream in = LinuxSyscalls.class.getResourceAsStream("linux-x86_64-syscalls.txt")) {
            if (in == null) {
                throw new IllegalStateException("linux-x86_64-syscalls.txt is missing from the imager jar");
            }
            Set<String> names = new TreeSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)).lines()
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(names::add);
            return Collections.unmodifiableSet(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
