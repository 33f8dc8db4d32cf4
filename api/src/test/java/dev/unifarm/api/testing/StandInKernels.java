package dev.unifarm.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * No Unikraft kernel exists here, and an upload naming a profile without its kernel is refused: tests
 * that build for an app-elfloader profile put a stand-in file where the profile expects its kernel.
 * Such builds are never booted.
 */
public final class StandInKernels {

    private StandInKernels() {
    }

    /** Writes a stand-in at each named profile's configured {@code kernel} path, unless a file is there. */
    public static void install(String... profiles) {
        for (String profile : profiles) {
            Path kernel = Path.of(ConfigProvider.getConfig().getValue("unifarm.kernels." + profile + ".kernel", String.class));
            try {
                if (!Files.isRegularFile(kernel)) {
                    Files.createDirectories(kernel.getParent());
                    Files.write(kernel, new byte[] {0x7f, 'E', 'L', 'F', 1});
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
