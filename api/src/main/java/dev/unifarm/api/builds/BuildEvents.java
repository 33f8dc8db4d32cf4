package dev.unifarm.api.builds;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.apps.RevisionState;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.sse.SseWriter;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A revision's build as server-sent events: {@code state} (JSON: state, message, imageDigest) at the
 * start and on every change, {@code log} per build log line, until the final {@code state} (Ready or
 * Failed) after the last line. A deleted app ends the stream with an {@code end} event.
 */
public final class BuildEvents implements StreamingOutput {

    private static final long POLL_MILLIS = 200;

    private final AppService apps;
    private final BuildProgress progress;
    private final ObjectMapper json;
    private final String app;
    private final int number;
    private final Duration limit;

    public BuildEvents(AppService apps, BuildProgress progress, ObjectMapper json, String app, int number, Duration limit) {
        this.apps = apps;
        this.progress = progress;
        this.json = json;
        this.app = app;
        this.number = number;
        this.limit = limit;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        SseWriter events = new SseWriter(out);
        long deadline = System.nanoTime() + limit.toNanos();
        RevisionState sentState = null;
        int sentLines = 0;
        while (System.nanoTime() < deadline) {
            Optional<Revision> found = find();
            if (found.isEmpty()) {
                events.event("end", "the app or revision was deleted");
                return;
            }
            Revision revision = found.get();
            boolean ended = revision.state() == RevisionState.Ready || revision.state() == RevisionState.Failed;
            List<String> lines = ended ? storedLog(revision) : progress.lines(app, number).orElse(List.of());
            if (!ended && revision.state() != sentState) {
                events.event("state", state(revision));
                sentState = revision.state();
            }
            for (; sentLines < lines.size(); sentLines++) {
                events.event("log", lines.get(sentLines));
            }
            if (ended) {
                events.event("state", state(revision));
                return;
            }
            sleep();
        }
    }

    private Optional<Revision> find() {
        try {
            return Optional.of(apps.revision(app, number));
        } catch (ProblemException e) {
            return Optional.empty();
        }
    }

    private static List<String> storedLog(Revision revision) {
        return revision.buildLog() == null || revision.buildLog().isEmpty() ? List.of() : List.of(revision.buildLog().split("\n", -1));
    }

    private String state(Revision revision) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("state", revision.state());
        fields.put("message", revision.message());
        fields.put("imageDigest", revision.imageDigest());
        return json.writeValueAsString(fields);
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
