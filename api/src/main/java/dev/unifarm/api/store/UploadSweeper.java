package dev.unifarm.api.store;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Deletes the upload spool files a previous farm process left when it was killed mid-upload
 * ({@code quarkus.http.body.uploads-directory}, inside the data dir): Vert.x deletes them when a
 * request ends, and a killed process ends none. Runs at start; a file written since this process
 * started belongs to an upload in flight now and is kept.
 */
@ApplicationScoped
public class UploadSweeper {

    private static final Logger LOG = Logger.getLogger(UploadSweeper.class);

    private final Path uploads;
    private final Instant processStart;

    UploadSweeper(@ConfigProperty(name = "quarkus.http.body.uploads-directory") String uploads) {
        this.uploads = Path.of(uploads);
        // The JVM's own start, in ms: ProcessHandle's start instant is only as precise as the kernel's boot time (1 s).
        this.processStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    void atStart(@Observes StartupEvent event) {
        sweep();
    }

    /** Deletes the regular files directly in the uploads dir older than this process; returns how many. */
    public int sweep() {
        int deleted = 0;
        long bytes = 0;
        try (Stream<Path> files = Files.list(uploads)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).toInstant().isBefore(processStart)) {
                    long size = Files.size(file);
                    if (Files.deleteIfExists(file)) {
                        deleted++;
                        bytes += size;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return 0; // no upload ever spooled
        } catch (IOException e) {
            LOG.warnf("cannot sweep leftover uploads in %s: %s", uploads, e.getMessage());
        }
        if (deleted > 0) {
            LOG.infof("deleted %d upload(s) (%d bytes) a previous farm process left unfinished in %s", deleted, bytes, uploads);
        }
        return deleted;
    }
}
