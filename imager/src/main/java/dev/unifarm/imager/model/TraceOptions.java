package dev.unifarm.imager.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How a traced image (coverage reference run) runs the app: under which strace binary, and which
 * syscalls strace fails with ENOSYS ({@code -e inject=…:error=ENOSYS}). An injected call never
 * reaches the kernel (strace replaces its number with an invalid one) and returns {@code -ENOSYS}
 * to the app, which is exactly what a kernel lacking the syscall does: so a missing syscall can be
 * produced for real on the {@code linux} profile, whose kernel implements them all.
 *
 * @param strace the strace binary the image carries
 * @param failWithEnosys Linux x86_64 syscall names, sorted and distinct (the same set always gives the same image)
 * @param needs non-null: instead of one traced run, {@code /init} runs the app's needs sweep ({@link NeedsSweep})
 */
public record TraceOptions(Path strace, List<String> failWithEnosys, NeedsSweep needs) {

    /** Debian's strace, installed by scripts/provision; its libraries come with the native closure. */
    public static final Path HOST_STRACE = Path.of("/usr/bin/strace");

    public TraceOptions {
        Objects.requireNonNull(strace, "strace");
        TreeSet<String> names = new TreeSet<>();
        for (String name : failWithEnosys == null ? List.<String>of() : failWithEnosys) {
            if (name == null || !LinuxSyscalls.isSyscall(name)) {
                throw new ImagerException("unknown-syscall", "cannot fail '" + name + "' with ENOSYS: it is not a Linux"
                        + " x86_64 syscall name; use the names strace prints, e.g. mknodat, clone3, rseq");
            }
            names.add(name);
        }
        failWithEnosys = List.copyOf(names);
        if (needs != null && !failWithEnosys.isEmpty()) {
            throw new ImagerException("invalid-trace", "a needs sweep injects its own failures: it cannot also fail " + failWithEnosys);
        }
    }

    public TraceOptions(Path strace, List<String> failWithEnosys) {
        this(strace, failWithEnosys, null);
    }

    /** The app under {@code strace}, nothing injected. */
    public static TraceOptions of(Path strace) {
        return new TraceOptions(strace, List.of());
    }

    /** A copy that also fails these syscalls with ENOSYS. */
    public TraceOptions failingWithEnosys(Collection<String> names) {
        List<String> all = new ArrayList<>(failWithEnosys);
        all.addAll(names);
        return new TraceOptions(strace, all, needs);
    }

    /** A copy whose image runs this needs sweep instead of one traced run. */
    public TraceOptions withNeeds(NeedsSweep sweep) {
        return new TraceOptions(strace, failWithEnosys, sweep);
    }
}
