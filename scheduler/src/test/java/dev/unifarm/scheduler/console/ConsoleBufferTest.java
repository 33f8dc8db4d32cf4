package dev.unifarm.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleBufferTest {

    @TempDir
    Path dir;

    @Test
    void testAppend_memoryBoundedByCharsKeepsNewest() {
        // each line costs its length + 1 (the newline): 5 chars here
        try (ConsoleBuffer buffer = new ConsoleBuffer(dir.resolve("console.log"), 20, 1 << 20)) {
            buffer.append("aaaa");
            buffer.append("bbbb");
            buffer.append("cccc");
            buffer.append("dddd");
            assertThat(buffer.lines()).containsExactly("aaaa", "bbbb", "cccc", "dddd");

            buffer.append("eeee");
            assertThat(buffer.lines()).containsExactly("bbbb", "cccc", "dddd", "eeee");

            buffer.append("fffffffff"); // costs 10: two old lines must go
            assertThat(buffer.lines()).containsExactly("dddd", "eeee", "fffffffff");
        }
    }

    @Test
    void testAppend_lineLongerThanMemoryCapIsKeptAlone() {
        try (ConsoleBuffer buffer = new ConsoleBuffer(dir.resolve("console.log"), 10, 1 << 20)) {
            buffer.append("short");
            buffer.append("x".repeat(50));
            assertThat(buffer.lines()).containsExactly("x".repeat(50));
        }
    }

    @Test
    void testAppend_fileKeepsEverythingUpToCap() throws IOException {
        Path file = dir.resolve("console.log");
        try (ConsoleBuffer buffer = new ConsoleBuffer(file, 10, 1 << 20)) {
            for (int i = 0; i < 10; i++) {
                buffer.append("line " + i);
            }
            assertThat(buffer.lines()).hasSizeLessThan(10);
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "line 0", "line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9");
    }

    @Test
    void testAppend_fileCappedWithTruncationMarker() throws IOException {
        Path file = dir.resolve("console.log");
        try (ConsoleBuffer buffer = new ConsoleBuffer(file, 1 << 16, 12)) {
            buffer.append("aaaa"); // 5 bytes
            buffer.append("bbbb"); // 10 bytes
            buffer.append("cccc"); // would make 15 > 12
            buffer.append("dddd");
            assertThat(buffer.lines()).as("memory still has every line").containsExactly("aaaa", "bbbb", "cccc", "dddd");
        }
        assertThat(Files.readAllLines(file)).containsExactly("aaaa", "bbbb", ConsoleBuffer.TRUNCATED);
    }

    @Test
    void testAppend_fileCapCountsUtf8Bytes() throws IOException {
        Path file = dir.resolve("console.log");
        try (ConsoleBuffer buffer = new ConsoleBuffer(file, 1 << 16, 8)) {
            buffer.append("ab");   // 3 bytes
            buffer.append("éé");   // 5 bytes (2 x 2 + newline): 8, still fits
            buffer.append("x");    // 10 > 8
        }
        assertThat(Files.readAllLines(file)).containsExactly("ab", "éé", ConsoleBuffer.TRUNCATED);
    }

    @Test
    void testText_joinsLinesWithNewlines() {
        try (ConsoleBuffer buffer = new ConsoleBuffer(dir.resolve("console.log"), 1 << 16, 1 << 20)) {
            assertThat(buffer.text()).isEmpty();
            buffer.append("Hello from Unifarm!");
            buffer.append("args: []");
            assertThat(buffer.text()).isEqualTo("Hello from Unifarm!\nargs: []\n");
        }
    }
}
