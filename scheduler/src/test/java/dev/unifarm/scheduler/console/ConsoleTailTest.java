package dev.unifarm.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleTailTest {

    @TempDir
    Path dir;

    @Test
    void testReadAvailable_splitsAsReadLineDoesAcrossReads() throws IOException {
        Path file = dir.resolve("console.raw");
        List<String> lines = new ArrayList<>();
        ConsoleTail tail = new ConsoleTail(file, 0, lines::add);
        String whole = "SeaBIOS\r\n\u001bcBooting\r\nHello é\r\rnext\npart";

        // written in pieces that cut "\r\n" and a two-byte UTF-8 character in half
        byte[] bytes = whole.getBytes(StandardCharsets.UTF_8);
        int[] cuts = {8, 9, 24, 25, bytes.length};
        int from = 0;
        for (int cut : cuts) {
            Files.write(file, java.util.Arrays.copyOfRange(bytes, from, cut), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            tail.readAvailable();
            from = cut;
        }
        tail.flushPartial();

        assertThat(lines).containsExactlyElementsOf(readLines(whole));
        assertThat(tail.position()).isEqualTo(bytes.length);
    }

    @Test
    void testReadAvailable_continuesFromAnOffset() throws IOException {
        Path file = Files.writeString(dir.resolve("console.raw"), "one\ntwo\n");
        List<String> lines = new ArrayList<>();
        ConsoleTail tail = new ConsoleTail(file, 4, lines::add);

        tail.readAvailable();
        Files.writeString(file, "three\n", StandardOpenOption.APPEND);
        tail.readAvailable();

        assertThat(lines).containsExactly("two", "three");
    }

    @Test
    void testReadAvailable_missingFileReadsNothing() {
        List<String> lines = new ArrayList<>();
        ConsoleTail tail = new ConsoleTail(dir.resolve("absent"), 0, lines::add);

        assertThat(tail.readAvailable()).isFalse();
        assertThat(lines).isEmpty();
    }

    @Test
    void testFollow_endsOnceEndedAndReadToTheEnd() throws Exception {
        Path file = Files.writeString(dir.resolve("console.raw"), "a\nlast without newline");
        List<String> lines = new ArrayList<>();

        new ConsoleTail(file, 0, lines::add).follow(() -> true);

        assertThat(lines).containsExactly("a", "last without newline");
    }

    @Test
    void testReadAvailable_pastTheCapCopiesAndTruncatesAndGoesOnFromTheStart() throws IOException {
        Path file = dir.resolve("console.raw");
        List<String> lines = new ArrayList<>();
        ConsoleTail tail = new ConsoleTail(file, 0, lines::add, 10);

        Files.writeString(file, "one\ntwo\nthr", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        tail.readAvailable();

        assertThat(Files.size(file)).isZero();
        assertThat(Files.readString(ConsoleTail.older(file))).isEqualTo("one\ntwo\nthr");
        assertThat(tail.position()).isZero();

        // QEMU (append=on) writes on at the new end; the partial line goes on across the truncate
        Files.writeString(file, "ee\nfour\n", StandardOpenOption.APPEND);
        tail.readAvailable();

        assertThat(lines).containsExactly("one", "two", "three", "four");
        assertThat(Files.readString(file)).isEqualTo("ee\nfour\n");
    }

    @Test
    void testReplayOlder_handsOnTheRotatedCopyFirst() throws Exception {
        Path file = Files.writeString(dir.resolve("console.raw"), "ee\nfour\n");
        Files.writeString(ConsoleTail.older(file), "one\ntwo\nthr");
        List<String> lines = new ArrayList<>();
        ConsoleTail tail = new ConsoleTail(file, 0, lines::add, 1024);

        tail.replayOlder();
        tail.follow(() -> true);

        assertThat(lines).containsExactly("one", "two", "three", "four");
    }

    private static List<String> readLines(String text) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new StringReader(text));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
        }
        return lines;
    }
}
