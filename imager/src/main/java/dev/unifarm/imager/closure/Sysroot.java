package dev.unifarm.imager.closure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Directories the imager takes shared libraries from, searched in order (default: this host's). */
public record Sysroot(List<Path> libraryDirs) {

    public static final Sysroot HOST = new Sysroot(List.of(
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib64")));

    public Sysroot {
        libraryDirs = List.copyOf(libraryDirs);
    }

    /** The real file behind {@code soname}, symlinks resolved, if any directory has it. */
    public Optional<Path> find(String soname) {
        for (Path dir : libraryDirs) {
            Path candidate = dir.resolve(soname);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
