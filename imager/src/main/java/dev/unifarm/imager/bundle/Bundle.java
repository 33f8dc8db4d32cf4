package dev.unifarm.imager.bundle;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated, extracted {@code dotnet publish} output.
 *
 * @param root directory holding the extracted files
 * @param entrypoint the app's main assembly, e.g. {@code hello.dll}
 * @param runtimeConfig the entrypoint's runtimeconfig
 * @param files every file, relative to {@code root}, sorted
 */
public record Bundle(Path root, String entrypoint, RuntimeConfig runtimeConfig, List<String> files) {

    /** How the app gets its runtime. */
    public enum Kind {
        /** The runtimeconfig names a shared framework (e.g. Microsoft.NETCore.App 2.0.0) the farm supplies. */
        FRAMEWORK_DEPENDENT,
        /**
         * The runtimeconfig names no framework and the bundle carries the runtime itself
         * ({@code libcoreclr.so}, {@code System.Private.CoreLib.dll}, …); {@link BundleReader} refuses a
         * frameworkless bundle without them.
         */
        SELF_CONTAINED
    }

    public Bundle {
        files = List.copyOf(files);
    }

    public Kind kind() {
        return runtimeConfig.frameworkDependent() ? Kind.FRAMEWORK_DEPENDENT : Kind.SELF_CONTAINED;
    }

    public boolean selfContained() {
        return kind() == Kind.SELF_CONTAINED;
    }

    /**
     * The app's shared libraries a linux-x64 process may load: {@code *.so} files, except those under
     * {@code runtimes/<rid>/} for other platforms (checked to be x86-64 ELF by {@link BundleReader}).
     */
    public List<String> nativeLibraries() {
        return files.stream().filter(NativeArchitecture::loadable).toList();
    }
}
