package dev.unifarm.imager.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A needs sweep (docs/coverage.md, "What an app really needs"): in one boot of the traced image, {@code /init} runs the
 * app once with nothing injected (the baseline) and then, per syscall of {@code syscalls}, once with the syscall
 * stubbed (strace {@code -e inject=S:error=ENOSYS}) and, when that trial fails its {@link Workload}, once with it
 * faked ({@code :retval=0}). Each trial's verdict is printed on the console ({@code rootfs.NeedsSweepScript}).
 *
 * @param syscalls the syscalls to try, Linux x86_64 names (sorted and distinct; {@link #NOT_TRIED} ones are left out)
 * @param workload what a trial must do to pass
 * @param port the app's port (its requests go to {@code 127.0.0.1:port} in the guest), or null for an app without one
 * @param limit the whole sweep's bound: no trial starts after it (those left are reported not tried)
 */
public record NeedsSweep(List<String> syscalls, Workload workload, Integer port, Duration limit) {

    /**
     * Syscalls no trial injects: the process's own end (a stubbed or faked {@code exit_group} returns into code that
     * assumed it never would) and strace's exec of the app (a unikernel loads the app itself).
     */
    public static final Map<String, String> NOT_TRIED = Map.of(
            "exit", "a process's end cannot be stubbed or faked: the code after it assumes it never returns",
            "exit_group", "a process's end cannot be stubbed or faked: the code after it assumes it never returns",
            "execve", "the tracer's exec of the app itself (a unikernel's loader starts the app without it)");

    /**
     * Syscalls stubbed but never faked: a "success" that did nothing leaves the app using memory it was not given, or
     * running as a child it is not (so the fake trial would only measure the crash that follows).
     */
    public static final Map<String, String> NOT_FAKED = Map.ofEntries(
            Map.entry("mmap", "returning 0 hands the app address 0 as its new memory"),
            Map.entry("mremap", "returning 0 hands the app address 0 as its moved memory"),
            Map.entry("brk", "returning 0 reports a heap at address 0"),
            Map.entry("clone", "returning 0 makes the parent run as the new thread or child"),
            Map.entry("clone3", "returning 0 makes the parent run as the new thread or child"),
            Map.entry("fork", "returning 0 makes the parent run as the child"),
            Map.entry("vfork", "returning 0 makes the parent run as the child"),
            Map.entry("rt_sigreturn", "returning 0 skips restoring the interrupted context"),
            Map.entry("execveat", "returning 0 makes the caller run on as if it were the new program"));

    public NeedsSweep {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(limit, "limit");
        TreeSet<String> names = new TreeSet<>();
        for (String name : syscalls == null ? List.<String>of() : syscalls) {
            if (name == null || !LinuxSyscalls.isSyscall(name)) {
                throw new ImagerException("unknown-syscall", "cannot sweep '" + name + "': it is not a Linux x86_64 syscall name");
            }
            if (!NOT_TRIED.containsKey(name)) {
                names.add(name);
            }
        }
        syscalls = List.copyOf(names);
        if (port != null && (port < 1 || port > 65535)) {
            throw new ImagerException("invalid-port", "a sweep's port must be 1-65535; got: " + port);
        }
        if (limit.isNegative() || limit.isZero()) {
            throw new ImagerException("invalid-limit", "a sweep's limit must be positive; got: " + limit);
        }
    }

    /** Whether a failed stub trial of {@code syscall} is followed by a fake trial. */
    public static boolean faked(String syscall) {
        return !NOT_FAKED.containsKey(syscall) && !NOT_TRIED.containsKey(syscall);
    }
}
