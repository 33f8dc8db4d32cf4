package dev.unifarm.scheduler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The farm's copy of a launcher console: append-only, no line twice, across ring rotation and re-attachment. */
class ConsoleMirrorTest {

    @TempDir
    Path dir;

    @Test
    void testWrite_appendsOnlyNewLines() throws Exception {
        Path file = dir.resolve("console.log");
        ConsoleMirror mirror = new ConsoleMirror(file);

        mirror.write(List.of("a", "b"));
        mirror.write(List.of("a", "b"));
        mirror.write(List.of("a", "b", "c"));

        assertThat(Files.readString(file)).isEqualTo("a\nb\nc\n");
    }

    @Test
    void testWrite_ringRotatedContinuesAfterTheLastWrittenLine() throws Exception {
        Path file = dir.resolve("console.log");
        ConsoleMirror mirror = new ConsoleMirror(file);
        mirror.write(List.of("1", "2", "3"));

        mirror.write(List.of("3", "4", "5"));

        assertThat(Files.readString(file)).isEqualTo("1\n2\n3\n4\n5\n");
    }

    @Test
    void testWrite_reattachedMirrorContinuesTheExistingFile() throws Exception {
        Path file = dir.resolve("console.log");
        new ConsoleMirror(file).write(List.of("boot", "Hello"));

        new ConsoleMirror(file).write(List.of("boot", "Hello", "tick"));

        assertThat(Files.readString(file)).isEqualTo("boot\nHello\ntick\n");
    }
}
