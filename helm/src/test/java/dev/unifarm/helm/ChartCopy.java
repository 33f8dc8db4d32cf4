package dev.unifarm.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A copy of the chart in a test's temp dir, for what helm-java 0.0.15 cannot pass to {@code lint}
 * (a values file: the copy's values.yaml is replaced) and for extra files (dashboards).
 */
final class ChartCopy {

    private ChartCopy() {
    }

    static Path of(Path chart, Path target) {
        Path copy = target.resolve(chart.getFileName());
        try (Stream<Path> paths = Files.walk(chart)) {
            for (Path source : paths.toList()) {
                Path dest = copy.resolve(chart.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart with {@code values} as its values.yaml. */
    static Path withValues(Path chart, Path target, Path values) {
        Path copy = of(chart, target);
        try {
            Files.copy(values, copy.resolve("values.yaml"), StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
