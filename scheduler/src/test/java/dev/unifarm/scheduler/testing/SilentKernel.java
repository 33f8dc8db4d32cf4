package dev.unifarm.scheduler.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A guest kernel that boots, prints one kernel-style line and never starts an app: what a boot that
 * stops short of the app looks like (a kernel that halts without exiting, a KVM that cannot go on).
 */
public final class SilentKernel {

    public static final String LINE = "[    0.000000] unifarm silent kernel: up, no app will start";

    private SilentKernel() {
    }

    public static Path writeTo(Path dir) {
        // a line of its own: the firmware's "Booting from ROM.." ends without one
        return printing(dir.resolve("silent-kernel.bin"), ("\r\n" + LINE + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The same guest printing {@code text} (no NUL byte in it: the end of the text) instead of its line. */
    public static Path printing(Path file, byte[] text) {
        return MultibootGuest.write(file, text, null);
    }
}
