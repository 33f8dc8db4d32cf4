package dev.unifarm.api.apps;

import dev.unifarm.api.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rows of {@code apps}. */
@ApplicationScoped
public class AppRepository {

    /** An app row with its spec still as JSON text. */
    public record AppRow(String name, String specJson, int latestRevision, Instant createdAt) {
    }

    private final Jdbc jdbc;

    AppRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<AppRow> find(String name) {
        return jdbc.queryOne("SELECT * FROM apps WHERE name = ?", AppRepository::map, name);
    }

    public List<AppRow> list(String after, int limit) {
        return jdbc.query("SELECT * FROM apps WHERE name > ? ORDER BY name LIMIT ?", AppRepository::map, after, limit);
    }

    public void insert(String name, String specJson, Instant now) {
        jdbc.update("INSERT INTO apps (name, spec_json, latest_revision, created_at) VALUES (?, ?, 1, ?)", name, specJson, now);
    }

    /** Claims the next revision number; false when the app does not exist. */
    public boolean bumpRevision(String name, String specJson) {
        return jdbc.update("UPDATE apps SET latest_revision = latest_revision + 1, spec_json = ? WHERE name = ?", specJson, name) == 1;
    }

    public int delete(String name) {
        return jdbc.update("DELETE FROM apps WHERE name = ?", name);
    }

    private static AppRow map(ResultSet row) throws SQLException {
        return new AppRow(row.getString("name"), row.getString("spec_json"), row.getInt("latest_revision"),
                Jdbc.instant(row, "created_at"));
    }
}
