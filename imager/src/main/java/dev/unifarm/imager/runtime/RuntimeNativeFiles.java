package dev.unifarm.imager.runtime;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.rootfs.RuntimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which native files of a runtime and an app will run, and so need their libraries in the image.
 * The host chain and the core runtime must load; the other framework libraries may load later
 * (e.g. System.Net.Http.Native on the first HttpClient call).
 */
public final class RuntimeNativeFiles {

    /** Debugger and tracing parts: with diagnostics off (the image's env) CoreCLR never loads them. */
    private static final Set<String> DIAGNOSTICS = Set.of("libcoreclrtraceptprovider.so", "libdbgshim.so",
            "libmscordaccore.so", "libmscordbi.so", "libsos.so", "libsosplugin.so");
    private static final List<String> CORE = List.of("libhostpolicy.so", "libcoreclr.so", "libclrjit.so", "System.Native.so");

    private RuntimeNativeFiles() {
    }

    public static List<Path> required(RuntimeSource runtime) {
        Path framework = runtime.frameworkDir();
        List<Path> core = CORE.stream().map(framework::resolve).toList();
        for (Path file : core) {
            if (!Files.isRegularFile(file)) {
                throw new ImagerException("runtime-broken", "runtime " + runtime.label() + " lacks " + file.getFileName()
                        + ": register the runtime archive again, or publish the app again");
            }
        }
        return Stream.concat(Stream.of(runtime.host(), runtime.hostfxr()), core.stream()).toList();
    }

    public static List<Path> optional(RuntimeSource runtime, Bundle bundle) {
        try (var files = Files.list(runtime.frameworkDir())) {
            List<Path> framework = files.filter(f -> f.getFileName().toString().endsWith(".so"))
                    .filter(f -> !DIAGNOSTICS.contains(f.getFileName().toString()))
                    .filter(f -> !CORE.contains(f.getFileName().toString()))
                    .sorted()
                    .toList();
            List<Path> app = bundle.nativeLibraries().stream().map(bundle.root()::resolve)
                    .filter(f -> !framework.contains(f) && !f.getFileName().toString().equals("libhostfxr.so")
                            && !CORE.contains(f.getFileName().toString()) && !DIAGNOSTICS.contains(f.getFileName().toString()))
                    .toList();
            return Stream.concat(framework.stream(), app.stream()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
