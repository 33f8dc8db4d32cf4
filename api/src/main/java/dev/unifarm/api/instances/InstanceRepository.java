package dev.unifarm.api.instances;

import dev.unifarm.api.db.Jdbc;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rows of {@code instances}: the record of every instance, live or ended. */
@ApplicationScoped
public class InstanceRepository {

    private final Jdbc jdbc;

    InstanceRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String id, String app, int revision, String node, Instant now) {
        insert(id, app, revision, node, now, Instance.BOOT);
    }

    /** @param activation {@link Instance#BOOT} or {@link Instance#RESTORE} */
    public void insert(String id, String app, int revision, String node, Instant now, String activation) {
        jdbc.update("INSERT INTO instances (id, app, revision, state, restarts, node, created_at, activation) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                id, app, revision, InstanceState.Pending.name(), node, now, activation);
    }

    /** Records a transition reported by the scheduler. */
    public void update(InstanceStatus s) {
        jdbc.update("UPDATE instances SET state = ?, exit_code = ?, reason = ?, message = ?, accel = ?, node = ?, "
                + "endpoint = ?, started_at = ?, ready_at = ?, finished_at = ?, restarts = ? WHERE id = ?",
                s.state().name(), s.exitCode(), s.reason(), s.message(), s.accel() == null ? null : s.accel().name(), s.node(),
                s.endpoint(), s.startedAt(), s.readyAt(), s.finishedAt(), s.restarts(), s.id());
    }

    public void markFailed(String id, String reason, String message, Instant now) {
        jdbc.update("UPDATE instances SET state = ?, reason = ?, message = ?, finished_at = ? WHERE id = ?",
                InstanceState.Failed.name(), reason, message, now, id);
    }

    public Optional<Instance> find(String id) {
        return jdbc.queryOne("SELECT * FROM instances WHERE id = ?", InstanceRepository::map, id);
    }

    /** Oldest first (ids sort by creation); {@code after} is the last id of the previous page. */
    public List<Instance> list(String app, String after, int limit) {
        String from = after == null ? "" : after;
        if (app == null) {
            return jdbc.query("SELECT * FROM instances WHERE id > ? ORDER BY id LIMIT ?", InstanceRepository::map, from, limit);
        }
        return jdbc.query("SELECT * FROM instances WHERE app = ? AND id > ? ORDER BY id LIMIT ?", InstanceRepository::map,
                app, from, limit);
    }

    /** Forgets an app's instances (the app is being deleted; live ones were stopped first). */
    public int deleteByApp(String app) {
        return jdbc.update("DELETE FROM instances WHERE app = ?", app);
    }

    /** How many instances each app has in each state. */
    public List<AppStateCount> countsByAppAndState() {
        return jdbc.query("SELECT app, state, COUNT(*) AS n FROM instances GROUP BY app, state",
                row -> new AppStateCount(row.getString("app"), InstanceState.valueOf(row.getString("state")), row.getLong("n")));
    }

    public record AppStateCount(String app, InstanceState state, long count) {
    }

    /** Instances the last farm process left in a live state. */
    public List<Instance> live() {
        return jdbc.query("SELECT * FROM instances WHERE state IN ('Pending', 'Booting', 'Running')", InstanceRepository::map);
    }

    private static Instance map(ResultSet row) throws SQLException {
        return new Instance(row.getString("id"), row.getString("app"), row.getInt("revision"),
                InstanceState.valueOf(row.getString("state")), Jdbc.integer(row, "exit_code"), row.getInt("restarts"),
                row.getString("reason"), row.getString("message"), row.getString("endpoint"), row.getString("accel"),
                row.getString("node"), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "started_at"),
                Jdbc.instant(row, "ready_at"), Jdbc.instant(row, "finished_at"), row.getString("activation"));
    }
}
