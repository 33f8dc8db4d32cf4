package dev.unifarm.api.coverage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppRepository;
import java.time.Instant;

/**
 * Needs sweeps stored as a finished sweep stores them (a {@code syscall_needs} row through {@link NeedsRepository}, its
 * result read by {@code NeedsConsole} from a hand-made console, {@link NeedsConsoleLines}), with a bare app row: no build,
 * no QEMU.
 */
record StoredSweeps(AppRepository apps, NeedsRepository needs, ObjectMapper json) {

    /** A Done sweep of the app's revision (the app row made first when new); {@code "openat", "required", …}. */
    String done(String app, int revision, String... nameThenClass) {
        if (apps.find(app).isEmpty()) {
            apps.insert(app, "{}", Instant.now());
        }
        String runId = "n-" + app + "-" + revision;
        needs.insertRunning(runId, app, revision, "r-" + revision, 9, Instant.now());
        try {
            needs.markDone(runId, 5, json.writeValueAsString(NeedsConsoleLines.result(nameThenClass)), "complete", Instant.now());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return runId;
    }
}
