package dev.unifarm.imager;

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

    public Bundle {
        files = List.copyOf(files);
    }
}
