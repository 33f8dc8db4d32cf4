package dev.unifarm.api.snapshots;

import dev.unifarm.api.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Rows of {@code snapshots}; a revision's rows go with it ({@code ON DELETE CASCADE}). */
@ApplicationScoped
class SnapshotRepository {

    private static final String KEY = "app = ? AND revision = ? AND profile = ? AND qemu_version = ? AND memory_mib = ?";

    private final Jdbc jdbc;

    SnapshotRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Fails (a constraint violation) when the revision is gone or the key has a row already. */
    void insert(Snapshot s) {
        SnapshotKey k = s.key();
        jdbc.update("INSERT INTO snapshots (app, revision, profile, qemu_version, memory_mib, state_digest, state_bytes, ram_digest,"
                + " ram_bytes, ram_allocated_bytes, ram_mtime_ms, created_at, restores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                k.app(), k.revision(), k.profile(), k.qemuVersion(), k.memoryMiB(), s.stateDigest(), s.stateBytes(), s.ramDigest(),
                s.ramBytes(), s.ramAllocatedBytes(), s.ramMtimeMillis(), s.createdAt(), s.restores());
    }

    List<Snapshot> all() {
        return jdbc.query("SELECT * FROM snapshots", SnapshotRepository::map);
    }

    int delete(SnapshotKey k) {
        return jdbc.update("DELETE FROM snapshots WHERE " + KEY, k.app(), k.revision(), k.profile(), k.qemuVersion(), k.memoryMiB());
    }

    void countRestore(SnapshotKey k) {
        jdbc.update("UPDATE snapshots SET restores = restores + 1 WHERE " + KEY, k.app(), k.revision(), k.profile(), k.qemuVersion(),
                k.memoryMiB());
    }

    private static Snapshot map(ResultSet row) throws SQLException {
        SnapshotKey key = new SnapshotKey(row.getString("app"), row.getInt("revision"), row.getString("profile"),
                row.getString("qemu_version"), row.getInt("memory_mib"));
        return new Snapshot(key, row.getString("state_digest"), row.getLong("state_bytes"), row.getString("ram_digest"),
                row.getLong("ram_bytes"), row.getLong("ram_allocated_bytes"), row.getLong("ram_mtime_ms"), Jdbc.instant(row, "created_at"),
                row.getInt("restores"));
    }
}
