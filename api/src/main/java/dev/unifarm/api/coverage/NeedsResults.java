package dev.unifarm.api.coverage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** The apps' newest finished needs sweeps, read back from {@code syscall_needs}: what the plan, gauges and operator show. */
@ApplicationScoped
public class NeedsResults {

    /** An app's newest Done sweep (of its newest swept revision). */
    public record Latest(String app, int revision, String runId, NeedsSweepResult result) {
    }

    private final NeedsRepository needs;
    private final ObjectMapper json;

    NeedsResults(NeedsRepository needs, ObjectMapper json) {
        this.needs = needs;
        this.json = json;
    }

    /** One per app with a Done sweep, by app name. */
    public List<Latest> perApp() {
        return needs.latestDonePerApp().stream().map(this::latest).toList();
    }

    public Optional<Latest> of(String app) {
        List<NeedsRow> done = needs.all(app).stream().filter(row -> ProfileRow.DONE.equals(row.state())).toList();
        int newestRevision = done.stream().mapToInt(NeedsRow::revision).max().orElse(0);
        // all() is newest first: the first of the newest revision is its newest sweep.
        return done.stream().filter(row -> row.revision() == newestRevision).findFirst().map(this::latest);
    }

    private Latest latest(NeedsRow row) {
        return new Latest(row.app(), row.revision(), row.runId(), read(json, row.resultJson()));
    }

    /** {@code result_json} as Jackson wrote it. */
    static NeedsSweepResult read(ObjectMapper json, String text) {
        try {
            return json.readValue(text, NeedsSweepResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored needs sweep result is always a NeedsSweepResult as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
