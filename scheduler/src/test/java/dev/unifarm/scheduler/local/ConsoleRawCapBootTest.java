package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.console.ConsoleTail;
import dev.unifarm.scheduler.local.containment.Jail;
import dev.unifarm.scheduler.testing.Recorder;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code console.raw}'s size cap under real QEMU: the chatty sample writes several times the cap as
 * fast as the guest's UART goes; the file QEMU writes (and its rotated copy) stay bounded while every
 * line still reaches the console.
 */
class ConsoleRawCapBootTest {

    private static final Duration RUN = Duration.ofSeconds(180);
    private static final long CAP = 64 * 1024;
    private static final int LINES = 5000; // about 60 bytes each: some 4.5 times the cap
    private static final Pattern WHOLE_LINE = Pattern.compile("chatty: line (\\d+) \\.{40}");

    @TempDir
    static Path work;

    private static Image chatty;

    @TempDir
    Path instances;

    private LocalScheduler scheduler;

    @BeforeAll
    static void buildImage() {
        chatty = TestImages.build("chatty", work);
    }

    @AfterEach
    void close() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    @Test
    void testConsoleRaw_staysBoundedAndTheLatestLinesAreShown() throws IOException, InterruptedException {
        scheduler = new LocalScheduler(LocalOptions.of(Accelerator.tcg, "node").withConsoleRawCapBytes(CAP));
        Path dir = instances.resolve("c1");
        Path raw = dir.resolve(Jail.CONSOLE_RAW);
        Path older = ConsoleTail.older(raw);
        Recorder recorder = new Recorder();

        scheduler.start(new LaunchRequest("c1", chatty, List.of(Integer.toString(LINES)), null, 384, dir), recorder);
        long largestRaw = 0;
        long largestOlder = 0;
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!recorder.ended() && System.nanoTime() < deadline) {
            largestRaw = Math.max(largestRaw, size(raw));
            largestOlder = Math.max(largestOlder, size(older));
            Thread.sleep(2);
        }
        InstanceStatus end = recorder.awaitEnd(Duration.ofSeconds(10));

        assertThat(end.state()).as(end.message()).isEqualTo(InstanceState.Succeeded);
        assertThat(older).as("rotated at least once").exists();
        // The tail truncates once it has read past the cap; what QEMU writes before its next read is the slack.
        assertThat(largestRaw).as("largest console.raw seen").isLessThan(2 * CAP);
        assertThat(largestOlder).as("largest console.raw.1 seen").isLessThan(2 * CAP);
        List<String> console = Files.readAllLines(dir.resolve("console.log"));
        assertThat(console).as("the latest lines").contains("chatty: done")
                .anySatisfy(line -> assertThat(line).startsWith("chatty: line " + LINES + " "));
        // Copy-truncate loses what QEMU writes between the tail's last read and the truncate (a few bytes
        // per rotation at this rate, which can merge two lines into one): nearly all lines arrive whole, in order.
        List<Integer> numbers = console.stream().map(WHOLE_LINE::matcher).filter(Matcher::matches)
                .map(m -> Integer.parseInt(m.group(1))).toList();
        assertThat(numbers).isSorted().hasSizeGreaterThan(LINES * 99 / 100);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // not there (yet), or between the rename and the next write
        }
    }
}
