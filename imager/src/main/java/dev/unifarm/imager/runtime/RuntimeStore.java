package dev.unifarm.imager.runtime;

import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RollForward;
import dev.unifarm.imager.model.RuntimeVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The runtimes this farm can put into images: {@code <dir>/<framework>/<version>/} is a dotnet root.
 * Several versions live side by side; {@link #resolve} picks one with a {@link RollForward} policy.
 *
 * <p>Besides its own directory (where {@link RuntimeArchiveInstaller} registers runtimes) a store
 * may read further, read-only directories of the same layout, e.g. a runtime store shared by several
 * farms. A version found in more than one directory is taken from the first: the store's own, then the
 * read-only ones in order.
 */
public final class RuntimeStore {

    private final Path dir;
    private final List<Path> readOnlyDirs;

    public RuntimeStore(Path dir) {
        this(dir, List.of());
    }

    public RuntimeStore(Path dir, List<Path> readOnlyDirs) {
        this.dir = dir;
        this.readOnlyDirs = List.copyOf(readOnlyDirs);
    }

    /** The store's own (writable) directory. */
    public Path dir() {
        return dir;
    }

    public List<Path> readOnlyDirs() {
        return readOnlyDirs;
    }

    /** Where a newly registered {@code framework} {@code version} goes. */
    public Path installPath(String framework, RuntimeVersion version) {
        return dir.resolve(framework).resolve(version.toString());
    }

    /** Every installed version of {@code framework} in all the store's directories, oldest first. */
    public List<RuntimeVersion> installed(String framework) {
        TreeSet<RuntimeVersion> versions = new TreeSet<>();
        for (Path root : roots()) {
            versions.addAll(installedIn(root.resolve(framework)));
        }
        return List.copyOf(versions);
    }

    /** {@code framework} {@code version} if some directory of the store holds it. */
    public Optional<DotnetRuntime> find(String framework, RuntimeVersion version) {
        for (Path root : roots()) {
            Path candidate = root.resolve(framework).resolve(version.toString());
            if (Files.isRegularFile(candidate.resolve("dotnet"))) {
                return Optional.of(new DotnetRuntime(framework, version, candidate));
            }
        }
        return Optional.empty();
    }

    /** Resolves with .NET's default policy, {@code Minor} (latest patch). */
    public DotnetRuntime resolve(String framework, String requested) {
        return resolve(framework, requested, RollForward.DEFAULT);
    }

    public DotnetRuntime resolve(String framework, String requested, RollForward policy) {
        return resolve(framework, requested, policy, true);
    }

    /**
     * Resolves the framework an app asks for under {@code policy}.
     *
     * @param applyPatches the runtimeconfig's legacy {@code applyPatches} (true unless it says false)
     * @throws ImagerException {@code runtime-not-found} naming the framework, version, policy and what
     *     is installed; {@code invalid-bundle} when {@code requested} is not a release version
     */
    public DotnetRuntime resolve(String framework, String requested, RollForward policy, boolean applyPatches) {
        RuntimeVersion wanted;
        try {
            wanted = RuntimeVersion.parse(requested);
        } catch (IllegalArgumentException e) {
            throw new ImagerException("invalid-bundle", "the runtimeconfig asks for framework version \"" + requested
                    + "\", which is not a major.minor.patch release version (pre-release runtimes are not supported)");
        }
        List<RuntimeVersion> installed = installed(framework);
        String how = policy + (applyPatches ? "" : ", applyPatches false");
        return policy.pick(wanted, installed, applyPatches)
                .flatMap(v -> find(framework, v))
                .orElseThrow(() -> new ImagerException("runtime-not-found", "the app needs " + framework + " " + wanted
                        + " (roll-forward " + how + ") but the runtime store has "
                        + (installed.isEmpty() ? "none" : installed.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                        + ": register a runtime that " + policy + " accepts (POST /api/v1/runtimes, or install it into "
                        + dir.resolve(framework) + ") or choose a more permissive rollForward"));
    }

    private List<Path> roots() {
        List<Path> roots = new ArrayList<>();
        roots.add(dir);
        roots.addAll(readOnlyDirs);
        return roots;
    }

    private static List<RuntimeVersion> installedIn(Path frameworkDir) {
        if (!Files.isDirectory(frameworkDir)) {
            return List.of();
        }
        try (var children = Files.list(frameworkDir)) {
            return children.filter(d -> Files.isRegularFile(d.resolve("dotnet")))
                    .map(d -> d.getFileName().toString())
                    .filter(RuntimeVersion::isVersion)
                    .map(RuntimeVersion::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
