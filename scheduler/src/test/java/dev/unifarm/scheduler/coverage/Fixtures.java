package dev.unifarm.scheduler.coverage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The recorded Unikraft consoles and kernel tables under {@code unifarm.fixtures.dir} ({@code testdata/}, set by surefire). */
final class Fixtures {

    private Fixtures() {
    }

    static Path unikraft() {
        String configured = System.getProperty("unifarm.fixtures.dir");
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property unifarm.fixtures.dir is not set: run the tests with Maven"
                    + " (surefire sets it to the repository's testdata/)");
        }
        Path dir = Path.of(configured).resolve("unikraft");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("the Unikraft recordings are missing at " + dir + " (the repository's testdata/unikraft)");
        }
        return dir;
    }

    static Path file(String name) {
        Path file = unikraft().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture " + name + " is missing at " + file);
        }
        return file;
    }

    /** A file of the farm's own runs on a real app-elfloader 0.16.3 ({@code testdata/unikraft-0.16.3}). */
    static Path farm0163(String name) {
        Path file = unikraft().resolveSibling("unikraft-0.16.3").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture " + name + " is missing at " + file);
        }
        return file;
    }

    static List<Path> recordings() throws IOException {
        try (Stream<Path> files = Files.list(unikraft())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }
}
