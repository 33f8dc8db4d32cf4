package dev.unifarm.scheduler.console;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code linux} profile's console: which lines are firmware or kernel chatter, and the
 * exit status in the panic Linux prints when init (the app) exits: {@code Attempted to kill init!
 * exitcode=0x00000100} — a wait status, so exit code 1 here.
 */
public final class LinuxConsoleProtocol {

    private static final Pattern PANIC = Pattern.compile("Kernel panic - not syncing: Attempted to kill init! exitcode=0x([0-9a-fA-F]+)");
    private static final Pattern KERNEL_LINE = Pattern.compile("^\\.*\\[\\s*\\d+\\.\\d+\\].*"); // dots: see FIRMWARE_LINE
    /**
     * Firmware lines. SeaBIOS's serial console sends its screen lazily, so the last dots of "Booting from ROM..."
     * can arrive after the kernel has reset the terminal, as a line of their own: still firmware, not the app.
     */
    private static final Pattern FIRMWARE_LINE = Pattern.compile("^(SeaBIOS \\(version|Booting from |iPXE|Press Ctrl-B).*|^\\.+$");

    private LinuxConsoleProtocol() {
    }

    /** True for lines the app printed, false for firmware and kernel lines. */
    public static boolean isAppOutput(String line) {
        return !line.isBlank() && !KERNEL_LINE.matcher(line).matches() && !FIRMWARE_LINE.matcher(line).matches();
    }

    /** The wait status of init if {@code line} is the kernel's init-exit panic. */
    public static OptionalInt waitStatus(String line) {
        Matcher m = PANIC.matcher(line);
        return m.find() ? OptionalInt.of((int) Long.parseLong(m.group(1), 16)) : OptionalInt.empty();
    }

    /** Exit code as shells report it: the code itself, or 128 + signal for a killed process. */
    public static int exitCode(int waitStatus) {
        int signal = waitStatus & 0x7f;
        return signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal;
    }

    public static boolean killedBySignal(int waitStatus) {
        return (waitStatus & 0x7f) != 0;
    }
}
