package dev.unifarm.api.store;

import dev.unifarm.api.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Rows of {@code store_garbage}: files a deleted app left, until {@link StoreSweeper} has removed them. */
@ApplicationScoped
public class StoreGarbage {

    /** What a row names. */
    public enum Kind {
        /** A bundle blob, by digest. */
        bundle,
        /** An image: its manifest blob and root filesystem (initrd blob or 9pfs tree), by image digest. */
        image,
        /** An instance directory, by instance id. */
        instance
    }

    /** One file (or set of files) to remove. */
    public record Entry(Kind kind, String name) {
    }

    private final Jdbc jdbc;

    StoreGarbage(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an entry once; a second deletion naming the same file adds nothing. */
    public void add(Kind kind, String name, Instant now) {
        jdbc.update("INSERT INTO store_garbage (kind, name, created_at) SELECT ?, ?, ? "
                + "WHERE NOT EXISTS (SELECT 1 FROM store_garbage WHERE kind = ? AND name = ?)", kind.name(), name, now, kind.name(), name);
    }

    public List<Entry> all() {
        return jdbc.query("SELECT kind, name FROM store_garbage ORDER BY created_at, kind, name",
                row -> new Entry(Kind.valueOf(row.getString("kind")), row.getString("name")));
    }

    public void remove(Entry entry) {
        jdbc.update("DELETE FROM store_garbage WHERE kind = ? AND name = ?", entry.kind().name(), entry.name());
    }
}
