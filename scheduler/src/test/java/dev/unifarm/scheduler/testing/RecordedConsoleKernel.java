package dev.unifarm.scheduler.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A guest that prints what a real kernel printed and then spins, its VM never exiting: a console
 * recorded from the farm's runs on a real app-elfloader (testdata/unikraft-0.16.3), replayed on the
 * serial port by {@link SilentKernel}'s code. CI has no Unikraft kernel; with this the scheduler's
 * state machine, watchdog and verdict run on real QEMU against the real kernel's words. The
 * recording's firmware banner is left out: the firmware of the test's QEMU prints its own.
 */
public final class RecordedConsoleKernel {

    private static final byte[] FIRMWARE_END = "Booting from ROM..".getBytes(StandardCharsets.US_ASCII);

    private RecordedConsoleKernel() {
    }

    /** The kernel replaying {@code testdata/unikraft-0.16.3/<recording>}, written under {@code dir}. */
    public static Path of(String recording, Path dir) {
        Path file = Path.of(System.getProperty("unifarm.fixtures.dir"), "unikraft-0.16.3", recording);
        try {
            byte[] console = Files.readAllBytes(file);
            int start = indexOf(console, FIRMWARE_END);
            ByteArrayOutputStream text = new ByteArrayOutputStream(console.length);
            for (int i = start < 0 ? 0 : start + FIRMWARE_END.length; i < console.length; i++) {
                if (console[i] != 0) { // the guest's text ends at its first NUL
                    text.write(console[i]);
                }
            }
            return SilentKernel.printing(dir.resolve(recording + ".kernel"), text.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
