package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.NeedsSweep;
import dev.unifarm.imager.model.TraceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The traced variant's step in the {@code linux} profile's {@code /init} (coverage reference run):
 * the .NET host runs under Debian's {@code strace -f -C} writing to a file in the guest's tmpfs root,
 * and when the app ends {@code /init} prints that file on the console between {@link #BEGIN} and
 * {@link #END}, then exits with the app's exit code. Printing after the end keeps the trace whole and
 * apart from the app's own output. strace runs detached ({@code -D}), so the app is the shell's child:
 * the shell forwards the power button's SIGTERM to it (a server or a never-ending app is stopped by a
 * powerdown and still gives its trace) and its exit code ends the guest.
 */
public final class StraceWrapper {

    static final String STRACE = "/usr/bin/strace";
    static final String OUTPUT = "/tmp/unifarm.strace";
    /** Console line before the trace (strace {@code -o} lines, then its {@code -C} summary table). */
    public static final String BEGIN = "unifarm-strace-begin";
    public static final String END = "unifarm-strace-end";
    /** The last row of strace's {@code -c} table ({@code 100.00 … total}), as a grep pattern. */
    static final String SUMMARY_END = " total$";

    private final Path strace;
    private final List<String> failWithEnosys;
    private final NeedsSweep needs;

    public StraceWrapper(TraceOptions options) {
        if (!Files.isRegularFile(options.strace())) {
            throw new ImagerException("strace-missing", "a traced image needs strace at " + options.strace()
                    + ": run scripts/provision (it installs Debian's strace)");
        }
        this.strace = options.strace();
        this.failWithEnosys = options.failWithEnosys();
        this.needs = options.needs();
    }

    /** The needs sweep {@code /init} runs instead of one traced run, or null. */
    public NeedsSweep needs() {
        return needs;
    }

    public Path binary() {
        return strace;
    }

    /** The syscalls strace fails with ENOSYS in the app (none for a plain reference run). */
    public List<String> failWithEnosys() {
        return failWithEnosys;
    }

    /**
     * strace's options: {@code -e inject=a,b:error=ENOSYS} fails those calls of every tracee (the
     * {@code -f} threads and children too) without running them; strace still prints each one, with
     * {@code (INJECTED)} after the result, and counts it as an error in the {@code -C} table.
     */
    String options() {
        String inject = failWithEnosys.isEmpty() ? "" : " -e inject=" + String.join(",", failWithEnosys) + ":error=ENOSYS";
        return "-D -f -q -C -e signal=none" + inject + " -o " + OUTPUT;
    }

    void addTo(RootfsTree tree) {
        tree.copy(STRACE, 0755, strace);
    }

    /**
     * Script lines that run {@code host} under strace instead of exec'ing it. {@code -f}: CoreCLR's
     * threads; {@code -C}: the trace and the {@code -c} summary of the same run; {@code -q}: no
     * attach/detach notes; {@code -e signal=none}: signals are not syscalls; {@code -X raw} is not
     * used, so names and flags stay symbolic. {@code -D}: strace runs as a detached grandchild and the
     * app stays this shell's child, so {@code $!} is the app's pid: the power button's SIGTERM to PID 1
     * (this shell) is forwarded to it and {@code wait} returns the app's own exit status.
     */
    void appendTo(StringBuilder s, String host) {
        if (needs != null) {
            new NeedsSweepScript(needs, STRACE).appendTo(s, host);
            return;
        }
        s.append("# coverage reference run: the app under strace, the trace printed on the console once it ends\n");
        // The power button signals PID 1 (this shell): pass it on to the app; a press before the app
        // started is passed on as soon as it has a pid.
        s.append("traps=0\n");
        s.append("trap 'traps=$((traps+1)); [ -n \"$app\" ] && kill -TERM $app' TERM\n");
        s.append(STRACE).append(' ').append(options()).append(' ').append(host).append(" \"$@\" &\n");
        s.append("app=$!\n");
        s.append("[ $traps -gt 0 ] && kill -TERM $app\n");
        // A trap interrupts wait (status 128+15) before the app has ended: wait again. When the trap
        // came just as the app ended, that wait already had its status and the next one finds no such
        // job (127): keep the status before.
        s.append("rc=127\n");
        s.append("while :; do t=$traps; wait $app; r=$?; [ $r -eq 127 ] && break; rc=$r; [ $traps -eq $t ] && break; done\n");
        // strace is not this shell's child: its -C table, written when the last tracee has ended,
        // closes with the "total" row, so that row says the file is complete (bounded: 60 s).
        s.append("n=0\n");
        s.append("until b grep -q '").append(SUMMARY_END).append("' ").append(OUTPUT)
                .append(" 2>/dev/null || [ $n -ge 600 ]; do b sleep 0.1; n=$((n+1)); done\n");
        s.append("echo ").append(BEGIN).append('\n');
        s.append("b cat ").append(OUTPUT).append("; echo\n");
        s.append("echo ").append(END).append('\n');
        s.append("exit $rc\n");
    }
}
