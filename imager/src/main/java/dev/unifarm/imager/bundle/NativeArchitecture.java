package dev.unifarm.imager.bundle;

import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.closure.ElfIdent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks, from their ELF headers, that the bundle's shared libraries are for linux-x64, so a bundle
 * published for another platform is refused at upload rather than failing at boot. Libraries under
 * {@code runtimes/<rid>/} for other platforms (a portable publish carries them all) are not loaded on
 * linux-x64 and are left alone.
 */
final class NativeArchitecture {

    private static final Pattern SHARED_LIBRARY = Pattern.compile(".*\\.so(\\.[0-9]+)*");
    /** RIDs whose assets the host loads on linux-x64 (glibc), from the RID graph. */
    private static final Set<String> LINUX_X64_RIDS = Set.of("linux-x64", "linux", "unix-x64", "unix", "any");
    private static final Map<Integer, String> MACHINES = Map.of(3, "i386", 8, "MIPS", 20, "PowerPC", 21, "PowerPC 64",
            22, "s390x", 40, "ARM (32-bit)", 62, "x86-64", 183, "AArch64 (arm64)", 243, "RISC-V");

    private NativeArchitecture() {
    }

    /** True for a shared library a linux-x64 process of this app may load. */
    static boolean loadable(String file) {
        if (!SHARED_LIBRARY.matcher(file.substring(file.lastIndexOf('/') + 1)).matches()) {
            return false;
        }
        if (file.startsWith("runtimes/")) {
            String[] parts = file.split("/");
            return parts.length > 2 && LINUX_X64_RIDS.contains(parts[1]);
        }
        return true;
    }

    /** Refuses the first loadable library that is not a 64-bit little-endian x86-64 ELF file. */
    static void check(Path root, List<String> files) throws IOException {
        for (String file : files) {
            if (loadable(file)) {
                checkOne(file, root.resolve(file));
            }
        }
    }

    private static void checkOne(String name, Path file) throws IOException {
        ElfIdent elf = ElfIdent.read(file).orElseThrow(() -> new ImagerException(ErrorKinds.WRONG_ARCHITECTURE, name
                + " is not an ELF shared library, so it cannot load on linux-x64: publish the app with -r linux-x64"));
        if (!elf.x8664()) {
            String arch = MACHINES.getOrDefault(elf.machine(), "ELF machine " + elf.machine());
            throw new ImagerException(ErrorKinds.WRONG_ARCHITECTURE, name + " is built for " + arch
                    + (elf.elf64() ? "" : " (32-bit)") + (elf.littleEndian() ? "" : " (big-endian)")
                    + ", not 64-bit x86-64: the farm runs linux-x64, publish the app with -r linux-x64");
        }
    }
}
