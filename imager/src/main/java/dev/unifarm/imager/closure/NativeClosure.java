package dev.unifarm.imager.closure;

import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.fornwall.jelf.ElfException;
import net.fornwall.jelf.ElfFile;

/**
 * The shared libraries a set of native files needs, computed from their {@code DT_NEEDED} entries
 * (transitively) and resolved against a {@link Sysroot}; plus the ELF interpreter. Libraries that sit
 * next to the file needing them (the runtime's own) are not copied: they are already in the image.
 */
public final class NativeClosure {

    /** Result: libraries by soname (sorted), the interpreter path, and notes for the build log. */
    public record Result(List<NativeLibrary> libraries, NativeLibrary interpreter, List<String> notes) {
    }

    private final Sysroot sysroot;

    public NativeClosure(Sysroot sysroot) {
        this.sysroot = sysroot;
    }

    /**
     * @param required files that must run: a missing library of theirs fails the build
     * @param optional files that may be loaded later (e.g. System.Net.Http.Native): a missing library
     *     of theirs is only noted, and they stay in the image without their dependencies
     */
    public Result compute(List<Path> required, List<Path> optional) {
        Map<String, NativeLibrary> libraries = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        String interpreter = null;
        for (Path file : required) {
            interpreter = firstNonNull(interpreter, interpreterOf(file));
            walk(file, libraries, true, notes);
        }
        for (Path file : optional) {
            Map<String, NativeLibrary> attempt = new TreeMap<>(libraries);
            if (walk(file, attempt, false, notes)) {
                libraries.putAll(attempt);
            }
        }
        if (interpreter == null) {
            throw new ImagerException("native-closure", "none of " + required + " names an ELF interpreter (PT_INTERP)");
        }
        String interpreterName = Path.of(interpreter).getFileName().toString();
        NativeLibrary loader = new NativeLibrary(interpreter, sysroot.find(interpreterName)
                .orElseThrow(() -> new ImagerException("native-closure", "the ELF interpreter " + interpreterName
                        + " is not in the sysroot " + sysroot.libraryDirs())));
        // The dynamic loader answers to its own soname; it is placed at the interpreter path only.
        libraries.remove(interpreterName);
        return new Result(List.copyOf(libraries.values()), loader, notes);
    }

    private boolean walk(Path root, Map<String, NativeLibrary> found, boolean required, List<String> notes) {
        Deque<Path> queue = new ArrayDeque<>(List.of(root));
        Set<Path> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            Path file = queue.pop();
            if (!seen.add(file)) {
                continue;
            }
            for (String soname : neededBy(file)) {
                if (found.containsKey(soname) || shippedAlongside(file, soname)) {
                    continue;
                }
                Optional<Path> source = sysroot.find(soname);
                if (source.isEmpty()) {
                    String message = soname + ", needed by " + file.getFileName() + ", is not in the sysroot "
                            + sysroot.libraryDirs();
                    if (required) {
                        throw new ImagerException("native-closure", message + ": install the package that provides it");
                    }
                    notes.add("left out the dependencies of " + root.getFileName() + ": " + message);
                    return false;
                }
                found.put(soname, new NativeLibrary(soname, source.get()));
                queue.add(source.get());
            }
        }
        return true;
    }

    /** A runtime or app library next to the file needing it (not a sysroot library) is in the image already. */
    private boolean shippedAlongside(Path file, String soname) {
        return !sysroot.libraryDirs().contains(file.getParent()) && Files.isRegularFile(file.resolveSibling(soname));
    }

    static List<String> neededBy(Path file) {
        ElfFile elf = open(file);
        if (elf.e_machine != ElfFile.ARCH_X86_64) {
            throw new ImagerException("wrong-architecture", file.getFileName() + " is built for ELF machine "
                    + elf.e_machine + ", not x86-64: publish the app for linux-x64");
        }
        var dynamic = elf.getDynamicSection();
        return dynamic == null ? List.of() : dynamic.getNeededLibraries();
    }

    private static String interpreterOf(Path file) {
        return open(file).getInterpreter();
    }

    private static ElfFile open(Path file) {
        try {
            return ElfFile.from(file.toFile());
        } catch (ElfException | IOException e) {
            throw new ImagerException("native-closure", file.getFileName() + " is not a readable ELF file: " + e.getMessage(), e);
        }
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }
}
