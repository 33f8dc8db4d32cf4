package dev.unifarm.imager;

import java.util.Comparator;

/** A .NET runtime version {@code major.minor.patch}, ordered numerically. */
public record RuntimeVersion(int major, int minor, int patch) implements Comparable<RuntimeVersion> {

    private static final Comparator<RuntimeVersion> ORDER = Comparator.comparingInt(RuntimeVersion::major)
            .thenComparingInt(RuntimeVersion::minor).thenComparingInt(RuntimeVersion::patch);

    /** Parses {@code 2.0.0}; a pre-release suffix such as {@code -preview1} is not supported. */
    public static RuntimeVersion parse(String text) {
        String[] parts = text.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a major.minor.patch version: " + text);
        }
        try {
            return new RuntimeVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a major.minor.patch version: " + text, e);
        }
    }

    static boolean isVersion(String text) {
        return text.matches("\\d+\\.\\d+\\.\\d+");
    }

    @Override
    public int compareTo(RuntimeVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
