package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.sse.SseWriter;
import dev.unifarm.scheduler.coverage.NeedsTrial;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A needs sweep as server-sent events (like a build's, {@code builds.BuildEvents}): {@code progress} (JSON: runId,
 * trialsDone, trialsPlanned, lastTrial {seq, mode, syscall, verdict}) at the start and whenever a trial is reported,
 * until {@code end} (JSON: state, message) once the sweep is Done or Failed; a finished sweep gives its end at once.
 */
public final class NeedsEvents implements StreamingOutput {

    private static final long POLL_MILLIS = 200;

    private final NeedsRepository needs;
    private final NeedsProgress progress;
    private final ObjectMapper json;
    private final String runId;
    private final Duration limit;

    NeedsEvents(NeedsRepository needs, NeedsProgress progress, ObjectMapper json, String runId, Duration limit) {
        this.needs = needs;
        this.progress = progress;
        this.json = json;
        this.runId = runId;
        this.limit = limit;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        SseWriter events = new SseWriter(out);
        long deadline = System.nanoTime() + limit.toNanos();
        int sent = -1;
        while (System.nanoTime() < deadline) {
            Optional<NeedsRow> found = needs.find(runId);
            if (found.isEmpty()) {
                events.event("end", json.writeValueAsString(end(null, "the app and its sweeps were deleted")));
                return;
            }
            NeedsRow row = found.get();
            if (!NeedsSweeps.unfinished(row)) {
                events.event("end", json.writeValueAsString(end(row.state(), row.message())));
                return;
            }
            Optional<NeedsProgress.Progress> live = progress.of(runId);
            int done = live.map(NeedsProgress.Progress::trialsDone).orElse(row.trialsDone());
            if (done != sent) {
                events.event("progress", json.writeValueAsString(progress(row, done, live.map(NeedsProgress.Progress::lastTrial).orElse(null))));
                sent = done;
            }
            sleep();
        }
    }

    private Map<String, Object> progress(NeedsRow row, int trialsDone, NeedsTrial last) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("runId", runId);
        fields.put("trialsDone", trialsDone);
        fields.put("trialsPlanned", row.trialsPlanned());
        Map<String, Object> trial = null;
        if (last != null) {
            trial = new LinkedHashMap<>();
            trial.put("seq", last.seq());
            trial.put("mode", last.mode());
            trial.put("syscall", last.syscall());
            trial.put("verdict", last.verdict());
        }
        fields.put("lastTrial", trial);
        return fields;
    }

    private static Map<String, Object> end(String state, String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("state", state);
        fields.put("message", message);
        return fields;
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
