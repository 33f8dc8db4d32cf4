package dev.unifarm.imager.rootfs;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where an image's .NET host and runtime come from: a shared runtime from the store
 * (framework-dependent app) or the bundle itself (self-contained app, run by the muxer it carries).
 *
 * @param executable the host's path inside the image, which the kernel starts
 * @param host the host file on this machine
 * @param hostfxr the host resolver library on this machine
 * @param frameworkDir the directory holding libhostpolicy, libcoreclr and the framework libraries
 * @param shared the store runtime, empty for a self-contained app (its runtime is in {@code /app})
 */
public record RuntimeSource(String executable, Path host, Path hostfxr, Path frameworkDir, Optional<DotnetRuntime> shared) {

    public static RuntimeSource shared(DotnetRuntime runtime) {
        return new RuntimeSource(RootfsLayout.HOST, runtime.host(), runtime.hostfxr(), runtime.frameworkDir(),
                Optional.of(runtime));
    }

    /**
     * A self-contained bundle run as {@code /app/dotnet /app/X.dll}: the muxer finds
     * {@code host/fxr/<v>/libhostfxr.so} beside itself and, with no framework in the runtimeconfig,
     * loads the runtime from the app's folder.
     */
    public static RuntimeSource selfContained(Bundle bundle) {
        Path root = bundle.root();
        Path muxer = root.resolve("dotnet");
        List<String> missing = Stream.of("libcoreclr.so", "dotnet").filter(f -> !Files.isRegularFile(root.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new ImagerException("invalid-bundle", bundle.runtimeConfig().fileName() + " names no framework, so the app"
                    + " must be self-contained, but the bundle lacks " + String.join(" and ", missing)
                    + " at its top level: publish with --self-contained, or name Microsoft.NETCore.App in the runtimeconfig");
        }
        return new RuntimeSource(RootfsLayout.APP_DIR + "/dotnet", muxer, hostfxrIn(root), root, Optional.empty());
    }

    /** "2.0.0" for a store runtime; "self-contained" otherwise. */
    public String label() {
        return shared.map(r -> r.version().toString()).orElse("self-contained");
    }

    private static Path hostfxrIn(Path root) {
        Path fxr = root.resolve("host/fxr");
        if (Files.isDirectory(fxr)) {
            try (var versions = Files.list(fxr)) {
                Optional<Path> newest = versions.map(d -> d.resolve("libhostfxr.so")).filter(Files::isRegularFile)
                        .max(Comparator.comparing(Path::toString));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new ImagerException("invalid-bundle", "the self-contained bundle has no host/fxr/<version>/libhostfxr.so"
                + " beside its dotnet host: include the host resolver the runtime ships");
    }
}
