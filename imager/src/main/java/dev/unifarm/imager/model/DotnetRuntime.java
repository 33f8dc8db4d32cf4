package dev.unifarm.imager.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/**
 * One runtime in the store: a dotnet root holding the {@code dotnet} host, {@code host/fxr/<v>} and
 * {@code shared/<framework>/<version>}, laid out as Microsoft's runtime archives are.
 */
public record DotnetRuntime(String framework, RuntimeVersion version, Path root) {

    /** Runtime settings every image gets: no diagnostics pipe (no mknodat on Unikraft), no ICU. */
    public static final Map<String, String> RUNTIME_ENV = Map.of(
            "DOTNET_EnableDiagnostics", "0",
            "COMPlus_EnableDiagnostics", "0",
            "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");

    public Path host() {
        return root.resolve("dotnet");
    }

    public Path frameworkDir() {
        return root.resolve("shared").resolve(framework).resolve(version.toString());
    }

    /** The newest {@code host/fxr/<v>/libhostfxr.so}, as the muxer itself picks it. */
    public Path hostfxr() {
        Path fxr = root.resolve("host/fxr");
        try (var versions = Files.list(fxr)) {
            return versions.filter(d -> Files.isRegularFile(d.resolve("libhostfxr.so")))
                    .max(Comparator.comparing(d -> RuntimeVersion.parse(d.getFileName().toString())))
                    .map(d -> d.resolve("libhostfxr.so"))
                    .orElseThrow(() -> new ImagerException("runtime-broken", "runtime " + version + " at " + root
                            + " has no host/fxr/<version>/libhostfxr.so: register the runtime archive again"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
