package dev.unifarm.api.apps;

import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.store.StoreReferences;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Rows of {@code revisions}. */
@ApplicationScoped
public class RevisionRepository implements StoreReferences {

    /** A revision row: what the API shows plus what a build needs (bundle, spec). */
    public record RevisionRow(String app, int number, RevisionState state, String bundleDigest, String specJson,
            String imageDigest, String message, String sizesJson, String buildLog, Instant createdAt, String ociDigest,
            String ociReference) {
    }

    private final Jdbc jdbc;

    RevisionRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String app, int number, String bundleDigest, String specJson, Instant now) {
        jdbc.update("INSERT INTO revisions (app, number, state, bundle_digest, spec_json, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                app, number, RevisionState.Pending.name(), bundleDigest, specJson, now);
    }

    public Optional<RevisionRow> find(String app, int number) {
        return jdbc.queryOne("SELECT * FROM revisions WHERE app = ? AND number = ?", RevisionRepository::map, app, number);
    }

    /** Oldest first; {@code after} is the last number of the previous page (0 for the first page). */
    public List<RevisionRow> list(String app, int after, int limit) {
        return jdbc.query("SELECT * FROM revisions WHERE app = ? AND number > ? ORDER BY number LIMIT ?", RevisionRepository::map,
                app, after, limit);
    }

    public List<RevisionRow> all(String app) {
        return jdbc.query("SELECT * FROM revisions WHERE app = ? ORDER BY number", RevisionRepository::map, app);
    }

    @Override
    public boolean references(String digest) {
        return !jdbc.query("SELECT number FROM revisions WHERE bundle_digest = ? OR image_digest = ?", row -> row.getInt(1),
                digest, digest).isEmpty();
    }

    @Override
    public List<String> imageDigests() {
        return jdbc.query("SELECT DISTINCT image_digest FROM revisions WHERE image_digest IS NOT NULL", row -> row.getString(1));
    }

    public int deleteAll(String app) {
        return jdbc.update("DELETE FROM revisions WHERE app = ?", app);
    }

    /** Revisions whose build had not ended when the farm last stopped. */
    public List<RevisionRow> unfinished() {
        return jdbc.query("SELECT * FROM revisions WHERE state IN ('Pending', 'Building') ORDER BY created_at",
                RevisionRepository::map);
    }

    public void markBuilding(String app, int number) {
        jdbc.update("UPDATE revisions SET state = ?, message = NULL WHERE app = ? AND number = ?",
                RevisionState.Building.name(), app, number);
    }

    /** {@code ociDigest} is null for images not exported (9pfs), {@code ociReference} when no registry took it. */
    public void markReady(String app, int number, String imageDigest, String ociDigest, String ociReference, String sizesJson,
            String buildLog) {
        jdbc.update("UPDATE revisions SET state = ?, image_digest = ?, oci_digest = ?, oci_reference = ?, sizes_json = ?, "
                + "build_log = ?, message = NULL WHERE app = ? AND number = ?", RevisionState.Ready.name(), imageDigest, ociDigest,
                ociReference, sizesJson, buildLog, app, number);
    }

    /** Ready revisions without an OCI manifest: built before every initrd image was exported (issue 15), or 9pfs. */
    public List<RevisionRow> readyWithoutOci() {
        return jdbc.query("SELECT * FROM revisions WHERE state = 'Ready' AND oci_digest IS NULL AND image_digest IS NOT NULL"
                + " ORDER BY created_at", RevisionRepository::map);
    }

    /** Records an export made after the build; a revision that has one already keeps it. */
    public void setOciDigest(String app, int number, String ociDigest) {
        jdbc.update("UPDATE revisions SET oci_digest = ? WHERE app = ? AND number = ? AND oci_digest IS NULL", ociDigest, app, number);
    }

    public void markFailed(String app, int number, String message, String buildLog) {
        jdbc.update("UPDATE revisions SET state = ?, message = ?, build_log = ? WHERE app = ? AND number = ?",
                RevisionState.Failed.name(), message, buildLog, app, number);
    }

    private static RevisionRow map(ResultSet row) throws SQLException {
        return new RevisionRow(row.getString("app"), row.getInt("number"), RevisionState.valueOf(row.getString("state")),
                row.getString("bundle_digest"), row.getString("spec_json"), row.getString("image_digest"),
                row.getString("message"), row.getString("sizes_json"), row.getString("build_log"),
                Jdbc.instant(row, "created_at"), row.getString("oci_digest"), row.getString("oci_reference"));
    }
}
