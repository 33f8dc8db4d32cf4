package dev.unifarm.api.store;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A farm killed mid-upload leaves the half-received spool file in {@code <data-dir>/uploads}: the
 * sweep the farm runs at start deletes it, and keeps a file this process is receiving now.
 */
@QuarkusTest
class UploadSweeperTest {

    @Inject
    UploadSweeper sweeper;

    @Test
    void testSweep_deletesTheUploadAKilledFarmLeft() throws Exception {
        Path uploads = Path.of(ConfigProvider.getConfig().getValue("quarkus.http.body.uploads-directory", String.class));
        Files.createDirectories(uploads);
        // What Vert.x spools a multipart file to (a UUID name), written by the previous farm process.
        Path stale = Files.write(uploads.resolve(UUID.randomUUID().toString()), new byte[25 * 1024]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path inFlight = Files.write(uploads.resolve(UUID.randomUUID().toString()), new byte[1024]);

        sweeper.sweep(); // what the farm runs at start

        assertThat(stale).as("the killed farm's half-received upload").doesNotExist();
        assertThat(inFlight).as("an upload this process is receiving").exists();
        Files.delete(inFlight);
    }
}
