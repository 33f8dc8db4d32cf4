package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One kernel profile as data (docs/images.md, "Kernel profiles"). Unset fields take the
 * defaults of the command-line kind: {@code linux} = initrd, linux-panic, derived stack, 30 env
 * entries; {@code unikraft} = initrd, the compatibility layer's exit line (unifarm-compat), the recorded
 * app-elfloader stack, 8 env entries, non-PIE hosts through their ELF interpreter.
 */
public interface KernelConfig {
    /** The kernel image file (e.g. the stock Linux kernel of the {@code linux} profile). */
    Optional<Path> kernel();

    /** An OCI reference for the kernel instead of a file ({@code [http://]host:port/repo@sha256:…}), pulled at build time. */
    Optional<String> kernelOci();

    @WithDefault("x86_64")
    String arch();

    /** {@code linux} or {@code unikraft}. */
    @WithDefault("linux")
    String commandLine();

    /** {@code initrd} or {@code 9pfs}. */
    Optional<String> delivery();

    /** Env entries the command line carries. */
    Optional<Integer> maxEnv();

    /** {@code linux-panic} or {@code none}. */
    Optional<String> exit();

    /** Start an ET_EXEC host through its ELF interpreter (kernels that load only PIE). */
    Optional<Boolean> nonPieViaInterpreter();

    /** The application stack's start, e.g. {@code 0x400040000} (with {@code stack-end}: source {@code configured}). */
    Optional<String> stackStart();

    Optional<String> stackEnd();

    /**
     * A probe boot's console log with app-elfloader's {@code Application stack at 0x… - 0x…}
     * line: the stack is read from it (source {@code calibrated}).
     */
    Optional<Path> stackCalibrationLog();

    /**
     * Where the kernel's syscall table comes from: its unstripped {@code .dbg} image (the
     * {@code uk_syscall_r_<name>} symbols) or a listing of those symbol names, one a line.
     */
    Optional<Path> syscallsSymbols();

    /** Or the kernel build's {@code provided_syscalls.in} ({@code name-<nargs>[e|u]} lines). */
    Optional<Path> providedSyscalls();
}
