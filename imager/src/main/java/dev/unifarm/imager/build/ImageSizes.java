package dev.unifarm.imager.build;

import dev.unifarm.imager.bundle.Bundle;
import dev.unifarm.imager.closure.NativeClosure;
import dev.unifarm.imager.closure.NativeLibrary;
import dev.unifarm.imager.rootfs.RuntimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The manifest's {@code sizes}: bytes of the app, the shared runtime, the native libraries and the initrd. */
final class ImageSizes {

    private ImageSizes() {
    }

    static Map<String, Long> of(Bundle bundle, RuntimeSource runtime, NativeClosure.Result closure, long initrd) {
        Map<String, Long> sizes = new TreeMap<>();
        sizes.put("app", sum(bundle.files().stream().map(bundle.root()::resolve).toList()));
        sizes.put("runtime", runtime.shared().map(shared -> directorySize(shared.root())).orElse(0L));
        sizes.put("libraries", sum(closure.libraries().stream().map(NativeLibrary::source).toList()));
        sizes.put("initrd", initrd);
        return sizes;
    }

    private static long sum(List<Path> files) {
        return files.stream().mapToLong(ImageSizes::size).sum();
    }

    private static long directorySize(Path dir) {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(ImageSizes::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
