package dev.unifarm.scheduler.coverage;

import java.util.List;

/**
 * A Unikraft console split by {@link ShimTraceParser}: the syscalls seen, in order, and the other
 * console text kept apart so the console API can show the app's output without the trace.
 *
 * @param calls syscalls from strace lines and from the debug forms (not-available, stubbed)
 * @param appOutput the app's own output lines (text glued before a trace line is its own line here)
 * @param kernelLog the kernel's log lines ({@code Info:}, {@code dbg:}, {@code Warn:}…), firmware and QEMU lines
 * @param internalStubs Unikraft-internal functions reported stubbed that are not Linux syscalls
 *        (e.g. {@code uk_posix_clone_sighand}): shown, not counted as coverage
 * @param cutCalls names of trace lines that ended before their result (cut by the console or by
 *        other output): the call happened, its outcome is unknown, so it is not in {@link #calls}
 * @param traceLines the strace lines as printed (whole, cut, and the trace part of a line glued to app
 *        output), in console order: the console API's {@code trace} view
 */
public record ShimTrace(List<SyscallCall> calls, List<String> appOutput, List<String> kernelLog, List<String> internalStubs,
        List<String> cutCalls, List<String> traceLines) {

    public ShimTrace {
        calls = List.copyOf(calls);
        appOutput = List.copyOf(appOutput);
        kernelLog = List.copyOf(kernelLog);
        internalStubs = List.copyOf(internalStubs);
        cutCalls = List.copyOf(cutCalls);
        traceLines = List.copyOf(traceLines);
    }

    public SyscallProfile profile() {
        return SyscallProfile.of(calls);
    }
}
