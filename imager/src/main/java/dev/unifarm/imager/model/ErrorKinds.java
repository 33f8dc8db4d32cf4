package dev.unifarm.imager.model;

/**
 * Every {@link ImagerException#type()} the imager's bundle intake and runtime registration use, in one place:
 * stable kebab-case kinds that become problem+json types, so callers and tests compare against these constants.
 */
public final class ErrorKinds {

    /** Generic: not an archive, no runtimeconfig, neither framework-dependent nor self-contained. */
    public static final String INVALID = "invalid-bundle";
    /** Truncated or damaged archive. */
    public static final String CORRUPT = "bundle-corrupt";
    /** An entry name with a {@code ..} segment. */
    public static final String PATH_TRAVERSAL = "bundle-path-traversal";
    /** An entry name starting with {@code /} or a drive letter. */
    public static final String ABSOLUTE_PATH = "bundle-absolute-path";
    /** An entry name that is empty or holds control characters. */
    public static final String UNSAFE_NAME = "bundle-unsafe-name";
    /** An entry name over 1024 bytes, or a segment over 255. */
    public static final String NAME_TOO_LONG = "bundle-name-too-long";
    /** The same normalized name twice, or a name that is both a file and a folder. */
    public static final String DUPLICATE_ENTRY = "bundle-duplicate-entry";
    /** A symbolic or hard link. */
    public static final String LINK = "bundle-link";
    /** A device, FIFO or other non-regular entry. */
    public static final String SPECIAL_FILE = "bundle-special-file";
    public static final String TOO_MANY_ENTRIES = "bundle-too-many-entries";
    /** Unpacks to more than the size cap. */
    public static final String TOO_LARGE = "bundle-too-large";
    /** Compresses implausibly well (a decompression bomb) or has overlapping zip entries. */
    public static final String BOMB = "bundle-bomb";
    /** No runtimeconfig and no assembly at all: not a .NET app. */
    public static final String NOT_DOTNET = "not-dotnet";
    /** The runtimeconfig's (or spec's) main assembly is not in the bundle. */
    public static final String ENTRYPOINT_MISSING = "entrypoint-missing";
    /** Several runtimeconfigs and no spec.entrypoint to choose. */
    public static final String ENTRYPOINT_AMBIGUOUS = "entrypoint-ambiguous";
    /** The runtimeconfig is not valid JSON or lacks what the host needs. */
    public static final String INVALID_RUNTIMECONFIG = "invalid-runtimeconfig";
    /** A native library for another platform than linux-x64. */
    public static final String WRONG_ARCHITECTURE = "wrong-architecture";

    /** A runtime archive that is not a {@code dotnet-runtime-<v>-linux-x64.tar.gz}. */
    public static final String INVALID_RUNTIME = "invalid-runtime";
    /** The runtime version is already registered (a registered runtime is never replaced). */
    public static final String RUNTIME_EXISTS = "runtime-exists";

    private ErrorKinds() {
    }
}
