package dev.unifarm.api.coverage;

import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.coverage.ShimTrace;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why a Unikraft instance's console holds no syscall trace, for its observed run's message. A kernel
 * built without {@code CONFIG_LIBSYSCALL_SHIM_STRACE} prints none, but so does one that stopped before
 * the app started (app-elfloader 0.16.3 on TCG's default CPU: {@code Mem init failed: -95}, {@code
 * Unikraft halted}): with neither a trace nor a line of the app's, the app never ran, and the kernel's
 * last critical or error line says why when there is one.
 */
final class NoTrace {

    /** Unikraft's critical and error levels ({@code uk_pr_crit}, {@code uk_pr_err}), anywhere in a line (the firmware's text may precede it). */
    private static final Pattern KERNEL_STOPPED = Pattern.compile("\\b(?:CRIT|ERR):");

    private NoTrace() {
    }

    /** The message of an observed run without calls, of an instance of the {@code kernel} profile that ended as {@code end}. */
    static String message(ShimTrace trace, String kernel, InstanceStatus end) {
        String ended = "no syscall trace on the console (" + end.state() + "/" + end.reason() + "): ";
        boolean appPrinted = trace.appOutput().stream().anyMatch(line -> !line.isBlank());
        if (appPrinted || !trace.traceLines().isEmpty()) {
            return ended + "the " + kernel + " kernel prints one only when built with CONFIG_LIBSYSCALL_SHIM_STRACE=y";
        }
        return ended + "the app never started" + lastKernelError(trace.kernelLog()).map(line -> "; the kernel's last error: \"" + line + "\"")
                .orElse("");
    }

    private static Optional<String> lastKernelError(List<String> kernelLog) {
        for (int i = kernelLog.size() - 1; i >= 0; i--) {
            String line = kernelLog.get(i);
            if (KERNEL_STOPPED.matcher(line).find()) {
                return Optional.of(line.length() <= 300 ? line : line.substring(0, 300) + "…");
            }
        }
        return Optional.empty();
    }
}
