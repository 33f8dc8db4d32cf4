package dev.unifarm.imager;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The traced variant's step in the {@code linux} profile's {@code /init} (coverage reference run):
 * the .NET host runs under Debian's {@code strace -f -C} writing to a file in the guest's tmpfs root,
 * and when the app ends {@code /init} prints that file on the console between {@link #BEGIN} and
 * {@link #END}, then exits with the app's exit code. Printing after the end keeps the trace whole and
 * apart from the app's own output; the app is strace's child, so its exit code still ends the guest.
 */
public final class StraceWrapper {

    /** Debian's strace, installed by scripts/provision; its libraries come with the native closure. */
    public static final Path HOST_STRACE = Path.of("/usr/bin/strace");
    static final String STRACE = "/usr/bin/strace";
    static final String OUTPUT = "/tmp/unifarm.strace";
    /** Console line before the trace (strace {@code -o} lines, then its {@code -C} summary table). */
    public static final String BEGIN = "unifarm-strace-begin";
    public static final String END = "unifarm-strace-end";

    private final Path strace;

    StraceWrapper(Path strace) {
        if (!Files.isRegularFile(strace)) {
            throw new ImagerException("strace-missing", "a traced image needs strace at " + strace
                    + ": run scripts/provision (it installs Debian's strace)");
        }
        this.strace = strace;
    }

    Path binary() {
        return strace;
    }

    void addTo(RootfsTree tree) {
        tree.copy(STRACE, 0755, strace);
    }

    /**
     * Script lines that run {@code host} under strace instead of exec'ing it. {@code -f}: CoreCLR's
     * threads; {@code -C}: the trace and the {@code -c} summary of the same run; {@code -q}: no
     * attach/detach notes; {@code -e signal=none}: signals are not syscalls; {@code -X raw} is not
     * used, so names and flags stay symbolic.
     */
    void appendTo(StringBuilder s, String host) {
        s.append("# coverage reference run: the app under strace, the trace printed on the console once it ends\n");
        s.append(STRACE).append(" -f -q -C -e signal=none -o ").append(OUTPUT).append(' ').append(host).append(" \"$@\"\n");
        s.append("rc=$?\n");
        s.append("echo ").append(BEGIN).append('\n');
        s.append("$b cat ").append(OUTPUT).append("; echo\n");
        s.append("echo ").append(END).append('\n');
        s.append("exit $rc\n");
    }
}
