package dev.unifarm.scheduler.local;

import java.util.HexFormat;

/**
 * The accelerator probe's guest, of the farm's own making: a 64 KiB BIOS image that takes the path
 * every kernel the farm boots takes (real mode, then 32-bit protected mode with SSE on, as Unikraft's
 * boot code does before its {@code ldmxcsr}, then paging and 64-bit long mode), writes {@link #MARKER}
 * to the first serial port and leaves QEMU through {@code isa-debug-exit}. A KVM that can start QEMU
 * but not run a stock guest (a paravirtual KVM of a nested host: SeaBIOS prints, the kernel's entry
 * code dies with {@code KVM internal error … emulation failure}) never shows the marker.
 *
 * <p>Assembled from the listing below (GNU as syntax); the ROM is mapped at 0xF0000 and at the top of
 * the 4 GiB space, the CPU starts at the reset vector 16 bytes before the end.
 */
final class ProbeGuest {

    static final String MARKER = "UNIFARM-PROBE-OK";
    /** The exit device the guest writes 0x2a to: QEMU then exits with status {@code (0x2a << 1) | 1}. */
    static final String EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04";
    static final int EXIT_STATUS = (0x2a << 1) | 1;
    /** QEMU takes a BIOS image only in whole 64 KiB units. */
    static final int ROM_BYTES = 64 * 1024;

    private static final int RESET_VECTOR = ROM_BYTES - 16;
    /** Where the listing's absolute references expect the data: {@code lgdtl 0xd8}, {@code ldmxcsr 0xf00de}, {@code lea 0x40(%rip)}. */
    private static final int DATA_OFFSET = 0xb8;

    private static final String CODE = ""
            // real mode (CS base 0xF0000 after the reset vector's far jump)
            + "fa"                      // cli
            + "8cc8"                    // mov %cs,%ax
            + "8ed8"                    // mov %ax,%ds
            + "660f0116d800"            // lgdtl 0xd8                     (gdtr below)
            + "0f20c0"                  // mov %cr0,%eax
            + "0c01"                    // or $0x1,%al                    (PE)
            + "0f22c0"                  // mov %eax,%cr0
            + "66ea1b000f000800"        // ljmpl $0x8,$0xf001b
            // 32-bit protected mode
            + "66b81000"                // mov $0x10,%ax
            + "8ed8"                    // mov %eax,%ds
            + "8ec0"                    // mov %eax,%es
            + "8ed0"                    // mov %eax,%ss
            + "0f20c0"                  // mov %cr0,%eax
            + "83e0fb"                  // and $0xfffffffb,%eax           (no EM: SSE instructions run)
            + "83c802"                  // or $0x2,%eax                   (MP)
            + "0f22c0"                  // mov %eax,%cr0
            + "0f20e0"                  // mov %cr4,%eax
            + "0d20060000"              // or $0x620,%eax                 (PAE, OSFXSR, OSXMMEXCPT)
            + "0f22e0"                  // mov %eax,%cr4
            + "0fae15de000f00"          // ldmxcsr 0xf00de                (mxcsr below)
            + "bf00100000"              // mov $0x1000,%edi               (page tables at 0x1000-0x3fff)
            + "b9000c0000"              // mov $0xc00,%ecx
            + "31c0"                    // xor %eax,%eax
            + "f3ab"                    // rep stos %eax,%es:(%edi)
            + "c7050010000003200000"    // movl $0x2003,0x1000            (PML4[0] -> PDPT)
            + "c7050020000003300000"    // movl $0x3003,0x2000            (PDPT[0] -> PD)
            + "c7050030000083000000"    // movl $0x83,0x3000              (PD[0]: the first 2 MiB, identity)
            + "b800100000"              // mov $0x1000,%eax
            + "0f22d8"                  // mov %eax,%cr3
            + "b9800000c0"              // mov $0xc0000080,%ecx           (EFER)
            + "0f32"                    // rdmsr
            + "0d00010000"              // or $0x100,%eax                 (LME)
            + "0f30"                    // wrmsr
            + "0f20c0"                  // mov %cr0,%eax
            + "0d00000080"              // or $0x80000000,%eax            (PG)
            + "0f22c0"                  // mov %eax,%cr0
            + "ea97000f001800"          // ljmp $0x18,$0xf0097
            // 64-bit long mode
            + "66baf803"                // mov $0x3f8,%dx                 (COM1)
            + "488d3540000000"          // lea 0x40(%rip),%rsi            (message below)
            + "ac"                      // 1: lods %ds:(%rsi),%al
            + "84c0"                    // test %al,%al
            + "7403"                    // je 2f
            + "ee"                      // out %al,(%dx)
            + "ebf8"                    // jmp 1b
            + "66baf400"                // 2: mov $0xf4,%dx               (isa-debug-exit)
            + "b02a"                    // mov $0x2a,%al
            + "ee"                      // out %al,(%dx)
            + "f4"                      // 3: hlt
            + "ebfd";                   // jmp 3b

    private static final String DATA = ""
            + "0000000000000000"        // GDT: null
            + "ffff0000009acf00"        // 0x08: 32-bit code
            + "ffff00000092cf00"        // 0x10: data
            + "ffff0000009aaf00"        // 0x18: 64-bit code
            + "1f00b8000f00"            // gdtr: limit 31, base 0xf00b8
            + "801f0000";               // mxcsr: 0x1f80 (all exceptions masked)

    private static final String RESET = "ea0000" + "00f0"; // ljmp $0xf000,$0x0

    private ProbeGuest() {
    }

    /** The guest that writes {@link #MARKER} and exits. */
    static byte[] marker() {
        byte[] rom = new byte[ROM_BYTES];
        put(rom, 0, HexFormat.of().parseHex(CODE));
        byte[] data = HexFormat.of().parseHex(DATA);
        put(rom, DATA_OFFSET, data);
        put(rom, DATA_OFFSET + data.length, (MARKER + "\n\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        put(rom, RESET_VECTOR, HexFormat.of().parseHex(RESET));
        return rom;
    }

    /** A guest that spins at its reset vector and never writes: what a KVM that cannot run guests looks like. */
    static byte[] silent() {
        byte[] rom = new byte[ROM_BYTES];
        put(rom, RESET_VECTOR, HexFormat.of().parseHex("ebfe")); // jmp .
        return rom;
    }

    private static void put(byte[] rom, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, rom, offset, bytes.length);
    }
}
