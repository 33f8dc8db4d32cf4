package dev.unifarm.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FileWatchTest {

    /** Far longer than the test's own timeout: only the change can end the wait. */
    private static final long HOUR_MILLIS = 3_600_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void testAwait_returnsWhenAFileInTheDirectoryIsWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("console.raw"), "");
        try (FileWatch.Signal changed = FileWatch.watch(dir)) {
            CompletableFuture<Void> woke = CompletableFuture.runAsync(() -> {
                try {
                    changed.await(HOUR_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            while (!woke.isDone()) { // written until the waiter is woken (it may start waiting after the first write)
                Files.writeString(file, "x", StandardOpenOption.APPEND);
                Thread.sleep(50);
            }

            assertThat(woke).isCompleted();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void testWatch_aFollowerIsStillWokenAfterAnotherOfTheSameDirectoryLeft() throws Exception {
        Path file = Files.writeString(dir.resolve("console.log"), "");
        FileWatch.Signal first = FileWatch.watch(dir);
        try (FileWatch.Signal second = FileWatch.watch(dir)) {
            first.close(); // the directory stays watched for the other one
            CompletableFuture<Void> woke = CompletableFuture.runAsync(() -> {
                try {
                    second.await(HOUR_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            while (!woke.isDone()) {
                Files.writeString(file, "x", StandardOpenOption.APPEND);
                Thread.sleep(50);
            }

            assertThat(woke).isCompleted();
        }
    }
}
