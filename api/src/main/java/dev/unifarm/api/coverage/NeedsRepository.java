package dev.unifarm.api.coverage;

import dev.unifarm.api.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rows of {@code syscall_needs} (V6). States as {@link ProfileRow}'s: Running, Waiting, Done, Failed. */
@ApplicationScoped
class NeedsRepository {

    private final Jdbc jdbc;

    NeedsRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    void insertRunning(String runId, String app, int revision, String referenceRun, int trialsPlanned, Instant now) {
        jdbc.update("INSERT INTO syscall_needs (run_id, app, revision, reference_run, state, trials_done, trials_planned, created_at)"
                + " VALUES (?, ?, ?, ?, ?, 0, ?, ?)", runId, app, revision, referenceRun, ProfileRow.RUNNING, trialsPlanned, now);
    }

    void progress(String runId, int trialsDone) {
        jdbc.update("UPDATE syscall_needs SET trials_done = ? WHERE run_id = ?", trialsDone, runId);
    }

    /** Running or Waiting (with why) while unfinished; a finished sweep keeps its end. */
    void markUnfinished(String runId, String state, String message) {
        jdbc.update("UPDATE syscall_needs SET state = ?, message = ? WHERE run_id = ? AND state IN (?, ?)", state, message, runId,
                ProfileRow.RUNNING, ProfileRow.WAITING);
    }

    void markDone(String runId, int trialsDone, String resultJson, String message, Instant now) {
        jdbc.update("UPDATE syscall_needs SET state = ?, trials_done = ?, result_json = ?, message = ?, finished_at = ? WHERE run_id = ?",
                ProfileRow.DONE, trialsDone, resultJson, message, now, runId);
    }

    void markFailed(String runId, String message, Instant now) {
        jdbc.update("UPDATE syscall_needs SET state = ?, message = ?, finished_at = ? WHERE run_id = ?", ProfileRow.FAILED, message, now,
                runId);
    }

    /** Sweeps left unfinished by a farm that stopped. */
    int failUnfinished(String message, Instant now) {
        return jdbc.update("UPDATE syscall_needs SET state = ?, message = ?, finished_at = ? WHERE state IN (?, ?)", ProfileRow.FAILED,
                message, now, ProfileRow.RUNNING, ProfileRow.WAITING);
    }

    Optional<NeedsRow> find(String runId) {
        return jdbc.queryOne("SELECT * FROM syscall_needs WHERE run_id = ?", NeedsRepository::map, runId);
    }

    /** The app's sweeps, newest first. */
    List<NeedsRow> all(String app) {
        return jdbc.query("SELECT * FROM syscall_needs WHERE app = ? ORDER BY created_at DESC, run_id DESC", NeedsRepository::map, app);
    }

    /** Per app, its newest Done sweep of its newest swept revision (the support plan's input), sorted by app. */
    List<NeedsRow> latestDonePerApp() {
        return jdbc.query("SELECT n.* FROM syscall_needs n WHERE n.state = ? AND n.run_id = (SELECT m.run_id FROM syscall_needs m"
                + " WHERE m.app = n.app AND m.state = ? ORDER BY m.revision DESC, m.created_at DESC, m.run_id DESC FETCH FIRST 1 ROWS ONLY)"
                + " ORDER BY n.app", NeedsRepository::map, ProfileRow.DONE, ProfileRow.DONE);
    }

    private static NeedsRow map(ResultSet row) throws SQLException {
        return new NeedsRow(row.getString("run_id"), row.getString("app"), row.getInt("revision"), row.getString("reference_run"),
                row.getString("state"), row.getString("message"), row.getInt("trials_done"), row.getInt("trials_planned"),
                row.getString("result_json"), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "finished_at"));
    }
}
