package dev.unifarm.scheduler.console;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the compatibility layer's end-of-process line (imager {@code CompatLayer}, its C source
 * {@code imager/src/main/c/unifarm-compat.c} prints it; keep the two in step) as a wait status, as
 * {@link LinuxConsoleProtocol} reads Linux's init-exit panic:
 * <ul>
 * <li>{@value #EXIT} followed by the exit code (0–255): the process exited (main returned, exit, _exit);
 * <li>{@value #ABORT}: the process aborted (CoreCLR's PROCAbort), a SIGABRT to the farm (exit code 134).
 * </ul>
 * The line ends the console line; text before it on the same line (app output without a newline) is
 * allowed. A kernel's syscall trace that quotes the layer's {@code write} ({@code write(fd:2,
 * "unifarm-compat: exit"..., 23) = 23}) is not the line. After it the layer powers the VM off through
 * QEMU's {@code isa-debug-exit}, whose QEMU exit status {@link #qemuExitStatus} confirms the code.
 */
public final class CompatConsoleProtocol {

    static final String EXIT = "unifarm-compat: exit ";
    static final String ABORT = "unifarm-compat: abort";
    private static final Pattern LINE = Pattern.compile(Pattern.quote(EXIT) + "(\\d{1,3})$|" + Pattern.quote(ABORT) + "$");
    private static final int SIGABRT = 6;
    /** QEMU's {@code -device} for the layer's power-off: the layer writes the exit code to port 0xf4. */
    public static final String ISA_DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=0x04";

    private CompatConsoleProtocol() {
    }

    /** The process's wait status if {@code line} is the layer's end line. */
    public static OptionalInt waitStatus(String line) {
        Matcher m = LINE.matcher(line.stripTrailing());
        if (!m.find()) {
            return OptionalInt.empty();
        }
        if (m.group(1) == null) {
            return OptionalInt.of(SIGABRT);
        }
        int code = Integer.parseInt(m.group(1));
        return code > 255 ? OptionalInt.empty() : OptionalInt.of(code << 8);
    }

    /** What QEMU exits with after the layer wrote {@code code} to isa-debug-exit: only 7 bits of the code survive. */
    public static int qemuExitStatus(int code) {
        return ((code << 1) | 1) & 0xff;
    }
}
