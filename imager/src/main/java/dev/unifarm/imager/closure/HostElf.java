package dev.unifarm.imager.closure;

import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.nio.file.Path;
import net.fornwall.jelf.ElfException;
import net.fornwall.jelf.ElfFile;

/**
 * What a kernel must know about the .NET host's ELF header. app-elfloader loads only
 * position-independent executables, so an {@code ET_EXEC} host (2.0's {@code dotnet}) is started
 * through its ELF interpreter instead: {@code /lib64/ld-linux-x86-64.so.2 <host> …}.
 *
 * @param positionIndependent false for {@code ET_EXEC}, which must be mapped at its fixed address
 * @param interpreter the {@code PT_INTERP} path, or null for a static executable
 */
public record HostElf(boolean positionIndependent, String interpreter) {

    public static HostElf read(Path file) {
        ElfFile elf;
        try {
            elf = ElfFile.from(file.toFile());
        } catch (ElfException | IOException e) {
            throw new ImagerException("runtime-broken", file.getFileName() + " is not a readable ELF file: " + e.getMessage(), e);
        }
        return new HostElf(elf.e_type != ElfFile.ET_EXEC, elf.getInterpreter());
    }
}
