package dev.unifarm.scheduler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The tests' stand-in guest kernels on real QEMU: a flat multiboot image (the header's "a.out kludge":
 * QEMU's {@code -kernel} loads it at 1 MiB and enters it in 32-bit protected mode; an instance's
 * {@code -initrd} and {@code -append} become a module and a command line it ignores) that prints its
 * text on COM1, then writes an exit code to QEMU's isa-debug-exit port 0xf4, or spins for ever.
 */
final class MultibootGuest {

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

    private MultibootGuest() {
    }

    /**
     * Writes the guest printing {@code text} (no NUL in it: the guest stops at the first), then powering
     * off with {@code exitCode}, or spinning when it is null.
     */
    public static Path write(Path file, byte[] text, Integer exitCode) {
        String power = exitCode == null ? "" : POWER_OFF.formatted(HexFormat.of().toHexDigits((byte) exitCode.intValue()));
        int codeBytes = (PRINT.formatted("00000000") + power + SPIN).length() / 2;
        String textAddress = HexFormat.of().toHexDigits(Integer.reverseBytes(LOAD_ADDRESS + HEADER_BYTES + codeBytes));
        byte[] code = HexFormat.of().parseHex(PRINT.formatted(textAddress) + power + SPIN);
        byte[] terminated = Arrays.copyOf(text, text.length + 1);
        ByteBuffer image = ByteBuffer.allocate(HEADER_BYTES + code.length + terminated.length).order(ByteOrder.LITTLE_ENDIAN);
        int magic = 0x1BADB002;
        int flags = 0x00010000; // the load addresses below are valid (not an ELF image)
        image.putInt(magic).putInt(flags).putInt(-(magic + flags))
                .putInt(LOAD_ADDRESS)                  // header_addr: the header is the file's start
                .putInt(LOAD_ADDRESS)                  // load_addr
                .putInt(0)                             // load_end_addr: the whole file
                .putInt(0)                             // bss_end_addr: none
                .putInt(LOAD_ADDRESS + HEADER_BYTES);  // entry_addr: the code after the header
        image.put(code).put(terminated);
        try {
            return Files.write(file, image.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
