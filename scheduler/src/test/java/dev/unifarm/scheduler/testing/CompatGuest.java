package dev.unifarm.scheduler.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A guest that plays an app-elfloader run with the compatibility layer, on real QEMU without a Unikraft
 * kernel: it prints the given console text (e.g. an app line and the layer's end line), then, like the
 * layer in ring 0, writes the exit code to QEMU's isa-debug-exit port — or, to play a VM that cannot
 * power off, spins ({@link MultibootGuest}).
 */
public final class CompatGuest {

    private CompatGuest() {
    }

    /** The guest printing {@code text}, then powering off with {@code exitCode}, or spinning when it is null. */
    public static Path writeTo(Path dir, String name, String text, Integer exitCode) {
        // a line of its own: the firmware's "Booting from ROM.." ends without one
        byte[] console = ("\r\n" + text.replace("\n", "\r\n")).getBytes(StandardCharsets.US_ASCII);
        return MultibootGuest.write(dir.resolve(name + ".bin"), console, exitCode);
    }
}
