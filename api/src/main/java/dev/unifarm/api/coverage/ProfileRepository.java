package dev.unifarm.api.coverage;

import dev.unifarm.api.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rows of {@code syscall_profiles} (V4). */
@ApplicationScoped
class ProfileRepository {

    private final Jdbc jdbc;

    ProfileRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    void insertRunning(String runId, String app, int revision, String kernel, String source, Instant now) {
        jdbc.update("INSERT INTO syscall_profiles (run_id, app, revision, kernel, source, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                runId, app, revision, kernel, source, ProfileRow.RUNNING, now);
    }

    /** A run recorded once it is over: an instance's observed trace, {@code Done} with its calls or {@code Failed} with why. */
    void insertFinished(String runId, String app, int revision, String kernel, String source, String state, Integer exitCode,
            String callsJson, String message, Instant createdAt) {
        jdbc.update("INSERT INTO syscall_profiles (run_id, app, revision, kernel, source, state, message, exit_code, calls_json,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runId, app, revision, kernel, source, state, message, exitCode,
                callsJson, createdAt);
    }

    /** Apps with at least one finished run, sorted. */
    List<String> appsWithDoneRuns() {
        return jdbc.query("SELECT DISTINCT app FROM syscall_profiles WHERE state = ? ORDER BY app", row -> row.getString("app"),
                ProfileRow.DONE);
    }

    /** {@code message}: how the run ended (by itself, or powered down and why). */
    void markDone(String runId, Integer exitCode, String callsJson, String message) {
        jdbc.update("UPDATE syscall_profiles SET state = ?, exit_code = ?, calls_json = ?, message = ? WHERE run_id = ?",
                ProfileRow.DONE, exitCode, callsJson, message, runId);
    }

    void markFailed(String runId, Integer exitCode, String message) {
        jdbc.update("UPDATE syscall_profiles SET state = ?, exit_code = ?, message = ? WHERE run_id = ?",
                ProfileRow.FAILED, exitCode, message, runId);
    }

    /**
     * An unfinished run's state while it waits for capacity ({@code Waiting}, {@code message} says for
     * what) or runs ({@code Running}, no message); a run that has ended keeps its end.
     */
    void markUnfinished(String runId, String state, String message) {
        jdbc.update("UPDATE syscall_profiles SET state = ?, message = ? WHERE run_id = ? AND state IN (?, ?)", state, message, runId,
                ProfileRow.RUNNING, ProfileRow.WAITING);
    }

    /** Runs left {@code Running} or {@code Waiting} by a farm that stopped: they will never finish. */
    int failUnfinished(String message) {
        return jdbc.update("UPDATE syscall_profiles SET state = ?, message = ? WHERE state IN (?, ?)", ProfileRow.FAILED, message,
                ProfileRow.RUNNING, ProfileRow.WAITING);
    }

    Optional<ProfileRow> find(String runId) {
        return jdbc.queryOne("SELECT * FROM syscall_profiles WHERE run_id = ?", ProfileRepository::map, runId);
    }

    /** Newest first. */
    List<ProfileRow> all(String app) {
        return jdbc.query("SELECT * FROM syscall_profiles WHERE app = ? ORDER BY created_at DESC, run_id DESC", ProfileRepository::map, app);
    }

    private static ProfileRow map(ResultSet row) throws SQLException {
        return new ProfileRow(row.getString("run_id"), row.getString("app"), row.getInt("revision"), row.getString("kernel"),
                row.getString("source"), row.getString("state"), row.getString("message"), Jdbc.integer(row, "exit_code"),
                row.getString("calls_json"), Jdbc.instant(row, "created_at"));
    }
}
