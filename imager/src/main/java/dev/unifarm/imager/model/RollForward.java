package dev.unifarm.imager.model;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * .NET's framework roll-forward policy ({@code rollForward} in a runtimeconfig), picking a version
 * the way the host ({@code hostfxr}'s framework resolver) does for release versions:
 *
 * <ol>
 *   <li>among the installed versions {@code >=} the requested one inside the policy's compatibility
 *       range (exact; same major.minor; same major; any), take the lowest — or, for
 *       {@code LatestMinor} and {@code LatestMajor}, the highest;</li>
 *   <li>then, unless the policy is {@code Disable} or {@code applyPatches} is false, move to the
 *       highest installed patch of that major.minor.</li>
 * </ol>
 *
 * So {@code Minor} takes the latest patch of the requested major.minor, else the lowest higher minor
 * and its latest patch; {@code Major} does the same across majors (lowest higher major, lowest
 * minor, latest patch). Pre-release versions are not supported (see {@link RuntimeVersion}).
 */
public enum RollForward {

    /** Only the requested version itself. */
    DISABLE("Disable", Range.EXACT, false),
    /** Highest patch of the requested major.minor. */
    LATEST_PATCH("LatestPatch", Range.PATCH, false),
    /** The default: latest patch of the requested minor, else the lowest higher minor (same major), latest patch. */
    MINOR("Minor", Range.MINOR, false),
    /** Highest minor and patch of the requested major. */
    LATEST_MINOR("LatestMinor", Range.MINOR, true),
    /** Like {@code Minor}; when the requested major is missing, the lowest higher major, lowest minor, latest patch. */
    MAJOR("Major", Range.MAJOR, false),
    /** The highest version installed (at least the requested one). */
    LATEST_MAJOR("LatestMajor", Range.MAJOR, true);

    /** The host's default when neither the runtimeconfig nor the spec says. */
    public static final RollForward DEFAULT = MINOR;

    /** Which higher versions a policy may roll to at all. */
    private enum Range { EXACT, PATCH, MINOR, MAJOR }

    private final String displayName;
    private final Range range;
    private final boolean rollToHighest;

    RollForward(String displayName, Range range, boolean rollToHighest) {
        this.displayName = displayName;
        this.range = range;
        this.rollToHighest = rollToHighest;
    }

    /** The spelling .NET documents, e.g. {@code LatestPatch}. */
    public String displayName() {
        return displayName;
    }

    /** The six names as .NET spells them, in order of increasing freedom. */
    public static List<String> names() {
        return Arrays.stream(values()).map(RollForward::displayName).toList();
    }

    /** Parses a policy name case-insensitively, as the host does ({@code "major"} is {@code Major}). */
    public static Optional<RollForward> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.displayName.toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    /**
     * The legacy {@code rollForwardOnNoCandidateFx} value as the host maps it: 0 → {@code LatestPatch}
     * (no minor roll-forward; with {@code applyPatches: false} it is an exact match), 1 → {@code Minor},
     * 2 → {@code Major}.
     */
    public static Optional<RollForward> fromRollForwardOnNoCandidateFx(int value) {
        return switch (value) {
            case 0 -> Optional.of(LATEST_PATCH);
            case 1 -> Optional.of(MINOR);
            case 2 -> Optional.of(MAJOR);
            default -> Optional.empty();
        };
    }

    /** {@link #pick(RuntimeVersion, Collection, boolean)} with {@code applyPatches: true}, the default. */
    public Optional<RuntimeVersion> pick(RuntimeVersion requested, Collection<RuntimeVersion> installed) {
        return pick(requested, installed, true);
    }

    /**
     * The installed version this policy resolves {@code requested} to, or empty when none fits.
     *
     * @param applyPatches the legacy runtimeconfig setting; false skips the roll to the latest patch
     *     (so {@code LatestPatch} becomes an exact match, and the others stop at the closest version)
     */
    public Optional<RuntimeVersion> pick(RuntimeVersion requested, Collection<RuntimeVersion> installed, boolean applyPatches) {
        if (range == Range.EXACT || (range == Range.PATCH && !applyPatches)) {
            return installed.contains(requested) ? Optional.of(requested) : Optional.empty();
        }
        Comparator<RuntimeVersion> order = Comparator.naturalOrder();
        // For LatestPatch "highest" makes no difference: the patch roll below takes the highest anyway.
        Optional<RuntimeVersion> closest = installed.stream()
                .filter(v -> v.compareTo(requested) >= 0 && inRange(requested, v))
                .max(rollToHighest ? order : order.reversed());
        if (closest.isEmpty() || !applyPatches) {
            return closest;
        }
        RuntimeVersion base = closest.get();
        return installed.stream()
                .filter(v -> v.major() == base.major() && v.minor() == base.minor() && v.compareTo(base) >= 0)
                .max(order);
    }

    private boolean inRange(RuntimeVersion requested, RuntimeVersion candidate) {
        return switch (range) {
            case EXACT -> candidate.equals(requested);
            case PATCH -> candidate.major() == requested.major() && candidate.minor() == requested.minor();
            case MINOR -> candidate.major() == requested.major();
            case MAJOR -> true;
        };
    }

    @Override
    public String toString() {
        return displayName;
    }
}
