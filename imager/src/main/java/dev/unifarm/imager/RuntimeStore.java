package dev.unifarm.imager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The runtimes this farm can put into images: {@code <dir>/<framework>/<version>/} is a dotnet root.
 * Picks a version with .NET's default roll-forward policy ({@code Minor}, latest patch).
 */
public final class RuntimeStore {

    private final Path dir;

    public RuntimeStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Every installed version of {@code framework}, oldest first. */
    public List<RuntimeVersion> installed(String framework) {
        Path frameworkDir = dir.resolve(framework);
        if (!Files.isDirectory(frameworkDir)) {
            return List.of();
        }
        try (var children = Files.list(frameworkDir)) {
            return children.filter(d -> Files.isRegularFile(d.resolve("dotnet")))
                    .map(d -> d.getFileName().toString())
                    .filter(RuntimeVersion::isVersion)
                    .map(RuntimeVersion::parse)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Resolves the framework an app asks for: the newest patch of the requested major.minor, else
     * the lowest higher minor of the same major (then its newest patch), as {@code rollForward: Minor}.
     */
    public DotnetRuntime resolve(String framework, String requested) {
        RuntimeVersion wanted;
        try {
            wanted = RuntimeVersion.parse(requested);
        } catch (IllegalArgumentException e) {
            throw new ImagerException("invalid-bundle", "the runtimeconfig asks for framework version \"" + requested
                    + "\", which is not major.minor.patch");
        }
        List<RuntimeVersion> installed = installed(framework);
        return pick(wanted, installed)
                .map(v -> new DotnetRuntime(framework, v, dir.resolve(framework).resolve(v.toString())))
                .orElseThrow(() -> new ImagerException("runtime-not-found", "the app needs " + framework + " " + wanted
                        + " (roll-forward Minor) but the runtime store has " + (installed.isEmpty() ? "none" : installed)
                        + ": install a matching runtime into " + dir.resolve(framework)));
    }

    static Optional<RuntimeVersion> pick(RuntimeVersion wanted, List<RuntimeVersion> installed) {
        Optional<RuntimeVersion> samePatchLine = installed.stream()
                .filter(v -> v.major() == wanted.major() && v.minor() == wanted.minor() && v.patch() >= wanted.patch())
                .max(Comparator.naturalOrder());
        if (samePatchLine.isPresent()) {
            return samePatchLine;
        }
        Optional<Integer> nextMinor = installed.stream()
                .filter(v -> v.major() == wanted.major() && v.minor() > wanted.minor())
                .map(RuntimeVersion::minor)
                .min(Comparator.naturalOrder());
        return nextMinor.flatMap(minor -> installed.stream()
                .filter(v -> v.major() == wanted.major() && v.minor() == minor)
                .max(Comparator.naturalOrder()));
    }
}
