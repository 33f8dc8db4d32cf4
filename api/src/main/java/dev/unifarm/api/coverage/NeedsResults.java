package dev.unifarm.api.coverage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The apps' newest finished needs sweeps, read back from {@code syscall_needs}: what the plan, gauges and operator show. */
@ApplicationScoped
public class NeedsResults {

    /** An app's newest Done sweep (of its newest swept revision). */
    public record Latest(String app, int revision, String runId, NeedsSweepResult result) {
    }

    private static final Logger LOG = Logger.getLogger(NeedsResults.class);

    private final NeedsRepository needs;
    private final ObjectMapper json;

    NeedsResults(NeedsRepository needs, ObjectMapper json) {
        this.needs = needs;
        this.json = json;
    }

    /** One per app with a Done sweep, by app name. */
    public List<Latest> perApp() {
        return needs.latestDonePerApp().stream().map(this::latest).flatMap(Optional::stream).toList();
    }

    public Optional<Latest> of(String app) {
        List<NeedsRow> done = needs.all(app).stream().filter(row -> ProfileRow.DONE.equals(row.state())).toList();
        int newestRevision = done.stream().mapToInt(NeedsRow::revision).max().orElse(0);
        // all() is newest first: the first of the newest revision is its newest sweep.
        return done.stream().filter(row -> row.revision() == newestRevision).findFirst().flatMap(this::latest);
    }

    /** The row's result; a row whose result cannot be read is left out (logged), not an error for every app's plan. */
    private Optional<Latest> latest(NeedsRow row) {
        try {
            return Optional.of(new Latest(row.app(), row.revision(), row.runId(), read(json, row.resultJson())));
        } catch (IllegalStateException e) {
            LOG.warnf("needs sweep %s of %s left out: %s", row.runId(), row.app(), e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code result_json} as Jackson wrote it. */
    static NeedsSweepResult read(ObjectMapper json, String text) {
        if (text == null) {
            throw new IllegalStateException("a Done sweep without its result");
        }
        try {
            return json.readValue(text, NeedsSweepResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored needs sweep result is always a NeedsSweepResult as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
