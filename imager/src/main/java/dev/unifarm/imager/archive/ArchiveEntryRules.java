package dev.unifarm.imager.archive;

import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules every archive entry name obeys before anything is written: relative, no {@code ..}, no
 * control characters, bounded length, each file once, no name both a file and a folder, and not too
 * many entries. One instance checks one archive (it remembers the names it has seen).
 */
public final class ArchiveEntryRules {

    /** Longest path segment Linux file systems take (NAME_MAX), in bytes. */
    static final int MAX_SEGMENT_BYTES = 255;
    /** Longest entry name, in bytes; dotnet publish paths are far shorter. */
    static final int MAX_NAME_BYTES = 1024;

    private final int maxEntries;
    private final Set<String> files = new HashSet<>();
    private final Set<String> directories = new HashSet<>();
    private int entries;

    ArchiveEntryRules(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** Counts one more entry of any kind. */
    void count() {
        if (++entries > maxEntries) {
            throw new ImagerException(ErrorKinds.TOO_MANY_ENTRIES, "the bundle has more than " + maxEntries
                    + " entries: upload only the dotnet publish output");
        }
    }

    /** Checks a declared entry count (the zip end record) before the entries are read. */
    void expect(long declared) {
        if (declared > maxEntries) {
            throw new ImagerException(ErrorKinds.TOO_MANY_ENTRIES, "the bundle has " + declared + " entries, more than "
                    + maxEntries + ": upload only the dotnet publish output");
        }
    }

    /** Checks a regular file's name and returns it normalized ({@code a/b}, no {@code ./}, no {@code //}). */
    String file(String rawName) {
        String name = normalize(rawName);
        if (name.isEmpty()) {
            throw unsafe(rawName, "a file entry needs a name");
        }
        if (!files.add(name)) {
            throw new ImagerException(ErrorKinds.DUPLICATE_ENTRY, "the bundle contains \"" + name
                    + "\" twice: each file may appear once");
        }
        if (directories.contains(name)) {
            throw conflict(name);
        }
        for (String parent : parents(name)) {
            if (files.contains(parent)) {
                throw conflict(parent);
            }
            directories.add(parent);
        }
        return name;
    }

    /** Checks a directory entry's name (nothing is created for it; files make their folders). */
    void directory(String rawName) {
        String name = normalize(rawName);
        if (name.isEmpty()) {
            return; // "./" — the archive's own root
        }
        for (String folder : parents(name + "/x")) {
            if (files.contains(folder)) {
                throw conflict(folder);
            }
            directories.add(folder);
        }
    }

    /**
     * {@code name} as a relative path with {@code /} separators, {@code .} and empty segments
     * dropped; refuses absolute paths, {@code ..}, control characters and over-long names.
     */
    public static String normalize(String rawName) {
        String name = rawName.replace('\\', '/');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw unsafe(rawName, "entry names may not contain control characters (found U+"
                        + String.format("%04X", (int) c) + ")");
            }
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new ImagerException(ErrorKinds.ABSOLUTE_PATH, "the bundle contains the absolute path \"" + rawName
                    + "\": entries must be relative to the publish folder");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new ImagerException(ErrorKinds.NAME_TOO_LONG, "the bundle contains an entry name of "
                    + name.getBytes(StandardCharsets.UTF_8).length + " bytes (" + abbreviate(rawName) + "): at most "
                    + MAX_NAME_BYTES + " bytes are allowed");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new ImagerException(ErrorKinds.PATH_TRAVERSAL, "the bundle contains the entry \"" + rawName
                        + "\", which climbs out with \"..\": entries must stay inside the publish folder");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new ImagerException(ErrorKinds.NAME_TOO_LONG, "the bundle contains a file or folder name of "
                        + segment.getBytes(StandardCharsets.UTF_8).length + " bytes (" + abbreviate(rawName)
                        + "): Linux allows at most " + MAX_SEGMENT_BYTES + " bytes per name");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return String.join("/", segments);
    }

    private static List<String> parents(String name) {
        List<String> parents = new ArrayList<>();
        for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
            parents.add(name.substring(0, slash));
        }
        return parents;
    }

    private static ImagerException conflict(String name) {
        return new ImagerException(ErrorKinds.DUPLICATE_ENTRY, "the bundle contains \"" + name
                + "\" both as a file and as a folder");
    }

    private static ImagerException unsafe(String rawName, String why) {
        return new ImagerException(ErrorKinds.UNSAFE_NAME, "the bundle contains an unusable entry name \""
                + abbreviate(rawName).replaceAll("\\p{Cntrl}", "?") + "\": " + why);
    }

    private static String abbreviate(String name) {
        return name.length() <= 80 ? name : name.substring(0, 60) + "…" + name.substring(name.length() - 15);
    }
}
