package dev.unifarm.imager.closure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the first 20 bytes of an ELF file say about where it runs: its class ({@code 2}: 64-bit), data
 * encoding ({@code 1}: little-endian) and {@code e_machine}, as {@code readelf -h} shows them.
 */
public record ElfIdent(int elfClass, int data, int machine) {

    public static final int EM_X86_64 = 62;

    private static final int LENGTH = 20;

    /** The identification of {@code file}, or empty when it is not an ELF file (shorter than a header, or no magic). */
    public static Optional<ElfIdent> read(Path file) throws IOException {
        byte[] head = new byte[LENGTH];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n < head.length || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            return Optional.empty();
        }
        ByteOrder order = head[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int machine = ByteBuffer.wrap(head, 18, 2).order(order).getShort() & 0xffff;
        return Optional.of(new ElfIdent(head[4], head[5], machine));
    }

    public boolean elf64() {
        return elfClass == 2;
    }

    public boolean littleEndian() {
        return data == 1;
    }

    /** A 64-bit little-endian x86-64 file: what the farm's linux-x64 guests load. */
    public boolean x8664() {
        return elf64() && littleEndian() && machine == EM_X86_64;
    }
}
