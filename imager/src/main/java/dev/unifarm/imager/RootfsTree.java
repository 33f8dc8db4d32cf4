package dev.unifarm.imager;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The image's root filesystem as a sorted map of entries. Sorting by path makes the written archive
 * reproducible; parents are created on demand; adding the same path twice is a bug and is refused.
 */
public final class RootfsTree {

    private final SortedMap<String, RootfsEntry> entries = new TreeMap<>();

    public RootfsTree directory(String path, int mode) {
        return put(new RootfsEntry.Directory(path, mode));
    }

    public RootfsTree copy(String path, int mode, Path source) {
        return put(new RootfsEntry.CopiedFile(path, mode, source));
    }

    public RootfsTree text(String path, String content) {
        return put(new RootfsEntry.GeneratedFile(path, 0644, content.getBytes(StandardCharsets.UTF_8)));
    }

    public RootfsTree bytes(String path, byte[] content) {
        return put(new RootfsEntry.GeneratedFile(path, 0644, content));
    }

    public RootfsTree symlink(String path, String target) {
        return put(new RootfsEntry.Symlink(path, target));
    }

    public RootfsTree charDevice(String path, int major, int minor) {
        return put(new RootfsEntry.CharDevice(path, 0666, major, minor));
    }

    public boolean contains(String path) {
        return entries.containsKey(path);
    }

    /** Entries sorted by path, parents before children. */
    public Collection<RootfsEntry> entries() {
        return Collections.unmodifiableCollection(entries.values());
    }

    /** Adds an entry made elsewhere (another tree's). */
    RootfsTree add(RootfsEntry entry) {
        return put(entry);
    }

    private RootfsTree put(RootfsEntry entry) {
        String path = entry.path();
        if (!path.startsWith("/") || path.contains("//") || path.endsWith("/") || path.endsWith("/..") || path.endsWith("/.")
                || path.contains("/../") || path.contains("/./")) {
            throw new IllegalArgumentException("not a clean absolute path: " + path);
        }
        ensureParents(path);
        RootfsEntry previous = entries.get(path);
        if (previous != null && !(previous instanceof RootfsEntry.Directory && entry instanceof RootfsEntry.Directory)) {
            throw new IllegalStateException("rootfs path added twice: " + path);
        }
        entries.put(path, entry);
        return this;
    }

    private void ensureParents(String path) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
            return;
        }
        String parent = path.substring(0, slash);
        if (!entries.containsKey(parent)) {
            ensureParents(parent);
            entries.put(parent, new RootfsEntry.Directory(parent, 0755));
        }
    }
}
