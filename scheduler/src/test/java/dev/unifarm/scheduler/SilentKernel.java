package dev.unifarm.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A guest kernel that boots, prints one kernel-style line and never starts an app: what a boot that
 * stops short of the app looks like (a kernel that halts without exiting, a KVM that cannot go on).
 * A flat multiboot image (the header's "a.out kludge": QEMU's {@code -kernel} loads it at 1 MiB and
 * enters it in 32-bit protected mode), so the instance's usual {@code -initrd} and {@code -append} are
 * taken as a module and a command line and ignored.
 */
final class SilentKernel {

    static final String LINE = "[    0.000000] unifarm silent kernel: up, no app will start";

    private static final int LOAD_ADDRESS = 0x100000;
    private static final int HEADER_BYTES = 32;
    private static final String CODE = ""
            + "66baf803"                // mov $0x3f8,%dx        (COM1)
            + "be33001000"              // mov $0x100033,%esi    (the line, right after this code)
            + "ac"                      // 1: lods %ds:(%esi),%al
            + "84c0"                    // test %al,%al
            + "7403"                    // je 2f
            + "ee"                      // out %al,(%dx)
            + "ebf8"                    // jmp 1b
            + "ebfe";                   // 2: jmp 2b            (spin, never exit)

    private SilentKernel() {
    }

    static Path writeTo(Path dir) {
        // a line of its own: the firmware's "Booting from ROM.." ends without one
        return printing(dir.resolve("silent-kernel.bin"), ("\r\n" + LINE + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The same guest printing {@code text} (no NUL byte in it: the end of the text) instead of its line. */
    static Path printing(Path file, byte[] text) {
        byte[] code = HexFormat.of().parseHex(CODE);
        byte[] line = java.util.Arrays.copyOf(text, text.length + 1);
        ByteBuffer image = ByteBuffer.allocate(HEADER_BYTES + code.length + line.length).order(ByteOrder.LITTLE_ENDIAN);
        int magic = 0x1BADB002;
        int flags = 0x00010000; // the load addresses below are valid (not an ELF image)
        image.putInt(magic).putInt(flags).putInt(-(magic + flags))
                .putInt(LOAD_ADDRESS)                  // header_addr: the header is the file's start
                .putInt(LOAD_ADDRESS)                  // load_addr
                .putInt(0)                             // load_end_addr: the whole file
                .putInt(0)                             // bss_end_addr: none
                .putInt(LOAD_ADDRESS + HEADER_BYTES);  // entry_addr: the code after the header
        image.put(code).put(line);
        if (LOAD_ADDRESS + HEADER_BYTES + code.length != 0x100033) {
            throw new IllegalStateException("the code's address of its line is out of date");
        }
        try {
            return Files.write(file, image.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
