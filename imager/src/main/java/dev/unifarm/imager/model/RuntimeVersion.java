package dev.unifarm.imager.model;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A .NET runtime version {@code major.minor.patch}, ordered numerically. Release versions only: the
 * farm refuses pre-release versions such as {@code 2.1.0-preview1} (and build metadata) rather than
 * apply the host's special pre-release rules.
 */
public record RuntimeVersion(int major, int minor, int patch) implements Comparable<RuntimeVersion> {

    private static final Comparator<RuntimeVersion> ORDER = Comparator.comparingInt(RuntimeVersion::major)
            .thenComparingInt(RuntimeVersion::minor).thenComparingInt(RuntimeVersion::patch);

    private static final Pattern RELEASE = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");

    /** Parses {@code 2.0.0}; a pre-release suffix such as {@code -preview1} is not supported. */
    public static RuntimeVersion parse(String text) {
        Matcher m = text == null ? null : RELEASE.matcher(text);
        if (m == null || !m.matches()) {
            String why = text != null && text.matches("[0-9.]+[-+].*")
                    ? " (pre-release versions and build metadata are not supported)" : "";
            throw new IllegalArgumentException("not a major.minor.patch release version: " + text + why);
        }
        return new RuntimeVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** True when {@link #parse} accepts {@code text}. */
    public static boolean isVersion(String text) {
        return text != null && RELEASE.matcher(text).matches();
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
