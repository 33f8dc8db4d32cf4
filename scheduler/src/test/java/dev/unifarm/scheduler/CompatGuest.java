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
 * A guest that plays an app-elfloader run with the compatibility layer, on real QEMU without a Unikraft
 * kernel: it prints the given console text (e.g. an app line and the layer's end line) on COM1, then,
 * like the layer in ring 0, writes the exit code to QEMU's isa-debug-exit port 0xf4 — or, to play a VM
 * that cannot power off, spins. A flat multiboot image as {@link SilentKernel}; the instance's
 * {@code -initrd} and {@code -append} are ignored.
 */
final class CompatGuest {

    private static final int LOAD_ADDRESS = 0x100000;
    private static final int HEADER_BYTES = 32;
    private static final String PRINT = ""
            + "66baf803"                // mov $0x3f8,%dx        (COM1)
            + "be%s"                    // mov $<text>,%esi      (the text, right after the code)
            + "ac"                      // 1: lods %ds:(%esi),%al
            + "84c0"                    // test %al,%al
            + "7403"                    // je 2f
            + "ee"                      // out %al,(%dx)
            + "ebf8";                   // jmp 1b
    private static final String POWER_OFF = ""
            + "66baf400"                // 2: mov $0xf4,%dx      (isa-debug-exit)
            + "b0%s"                    // mov $<code>,%al
            + "ee";                     // out %al,(%dx)         (QEMU exits ((code << 1) | 1) & 0xff)
    private static final String SPIN = "ebfe"; // jmp .

    private CompatGuest() {
    }

    /** The guest printing {@code text}, then powering off with {@code exitCode}, or spinning when it is null. */
    static Path writeTo(Path dir, String name, String text, Integer exitCode) {
        String power = exitCode == null ? "" : POWER_OFF.formatted(HexFormat.of().toHexDigits((byte) exitCode.intValue()));
        int codeBytes = (PRINT.formatted("00000000") + power + SPIN).length() / 2;
        int textAddress = LOAD_ADDRESS + HEADER_BYTES + codeBytes;
        String address = HexFormat.of().toHexDigits(Integer.reverseBytes(textAddress));
        byte[] code = HexFormat.of().parseHex(PRINT.formatted(address) + power + SPIN);
        // a line of its own: the firmware's "Booting from ROM.." ends without one
        byte[] bytes = ("\r\n" + text.replace("\n", "\r\n") + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer image = ByteBuffer.allocate(HEADER_BYTES + code.length + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        int magic = 0x1BADB002;
        int flags = 0x00010000; // the load addresses below are valid (not an ELF image)
        image.putInt(magic).putInt(flags).putInt(-(magic + flags))
                .putInt(LOAD_ADDRESS)                  // header_addr: the header is the file's start
                .putInt(LOAD_ADDRESS)                  // load_addr
                .putInt(0)                             // load_end_addr: the whole file
                .putInt(0)                             // bss_end_addr: none
                .putInt(LOAD_ADDRESS + HEADER_BYTES);  // entry_addr: the code after the header
        image.put(code).put(bytes);
        try {
            return Files.write(dir.resolve(name + ".bin"), image.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
