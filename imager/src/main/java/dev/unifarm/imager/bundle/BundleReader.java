package dev.unifarm.imager.bundle;

import dev.unifarm.imager.ImagerException;
import dev.unifarm.imager.archive.ArchiveExtractor;
import dev.unifarm.imager.archive.ArchiveKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Validates and extracts an uploaded bundle ({@code .zip} or {@code .tar.gz} of {@code dotnet
 * publish} output), then says what it is. Hostile archives are refused by {@link ArchiveExtractor}
 * (entry names: {@link ArchiveEntryRules}; sizes: {@link ZipBombGuard}) before they can write outside
 * the target directory; on any refusal the target directory is deleted again.
 *
 * <p>Every refusal is an {@link ImagerException} whose type is one of the constants below.
 */
public final class BundleReader {

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

    private static final String RUNTIMECONFIG = ".runtimeconfig.json";
    /** What a self-contained publish carries next to the app instead of naming a shared framework. */
    private static final List<String> SELF_CONTAINED_RUNTIME = List.of("libcoreclr.so", "System.Private.CoreLib.dll");
    private static final String PUBLISH_OUTPUT = "`dotnet publish -c Release -r linux-x64` writes a folder with "
            + "X.dll, X.runtimeconfig.json and X.deps.json next to the assemblies the app uses; zip or tar+gzip that folder";

    private final ArchiveExtractor extractor;

    public BundleReader(long maxBytes, int maxEntries) {
        this.extractor = new ArchiveExtractor(maxBytes, maxEntries);
    }

    /** Defaults fit any real app: 1 GiB unpacked, 50,000 files. */
    public BundleReader() {
        this(1L << 30, 50_000);
    }

    /**
     * Extracts {@code archive} into {@code target} (created; must not exist) and finds the app. When
     * the bundle is refused, {@code target} is deleted again.
     *
     * @param entrypoint the main assembly asked for in the app spec, or empty to infer it
     */
    public Bundle read(Path archive, Path target, Optional<String> entrypoint) {
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            extract(archive, target);
            return describe(unwrapSingleTopDirectory(target), entrypoint);
        } catch (IOException e) {
            deleteAfterRefusal(target, e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            deleteAfterRefusal(target, e);
            throw e;
        }
    }

    private void extract(Path archive, Path target) {
        try {
            switch (ArchiveKind.of(archive)) {
                case ZIP -> extractor.zip(archive, target);
                case TAR_GZ -> extractor.tarGz(archive, target);
                default -> throw new ImagerException(INVALID,
                        "the bundle is neither a .zip nor a .tar.gz archive: zip or tar+gzip the folder dotnet publish wrote");
            }
        } catch (ImagerException | UncheckedIOException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Malformed archives make parsers throw IllegalArgumentException & co. too: all the archive's fault.
            throw new ImagerException(CORRUPT, "the bundle archive is damaged or truncated (" + e.getMessage()
                    + "): upload a complete .zip or .tar.gz", e);
        }
    }

    /** Many users zip the {@code publish/} folder itself rather than its contents; accept both. */
    private static Path unwrapSingleTopDirectory(Path target) throws IOException {
        try (var children = Files.list(target)) {
            List<Path> all = children.toList();
            if (all.size() == 1 && Files.isDirectory(all.get(0))) {
                return all.get(0);
            }
        }
        return target;
    }

    private static Bundle describe(Path root, Optional<String> entrypoint) throws IOException {
        List<String> files = listFiles(root);
        List<String> configs = files.stream().filter(f -> !f.contains("/") && f.endsWith(RUNTIMECONFIG)).toList();
        if (configs.isEmpty()) {
            if (files.stream().noneMatch(f -> f.toLowerCase(Locale.ROOT).endsWith(".dll"))) {
                throw new ImagerException(NOT_DOTNET, "the bundle holds no .NET assembly (.dll) and no *.runtimeconfig.json, "
                        + "so it is not a .NET app (it has " + sample(files) + "): " + PUBLISH_OUTPUT);
            }
            throw new ImagerException(INVALID, "the bundle has no *.runtimeconfig.json at its top level: "
                    + "upload the output of `dotnet publish`, which writes X.dll next to X.runtimeconfig.json");
        }
        String config = chooseConfig(configs, entrypoint);
        String dll = config.substring(0, config.length() - RUNTIMECONFIG.length()) + ".dll";
        if (!files.contains(dll)) {
            throw new ImagerException(ENTRYPOINT_MISSING, "the bundle has " + config + " but not its main assembly " + dll
                    + ": upload the complete dotnet publish output");
        }
        RuntimeConfig runtimeConfig = RuntimeConfig.parse(config, Files.readAllBytes(root.resolve(config)));
        if (!runtimeConfig.frameworkDependent() && !files.containsAll(SELF_CONTAINED_RUNTIME)) {
            throw new ImagerException(INVALID, config + " names no shared framework, so the app would be self-contained, "
                    + "but the bundle does not carry the runtime (" + String.join(", ", SELF_CONTAINED_RUNTIME)
                    + ") next to " + dll + ": it is neither framework-dependent nor self-contained. Publish with "
                    + "`--self-contained -r linux-x64`, or upload the runtimeconfig dotnet publish wrote (it names "
                    + "Microsoft.NETCore.App)");
        }
        NativeArchitecture.check(root, files);
        return new Bundle(root, dll, runtimeConfig, files);
    }

    /** A few of the files, for a message. */
    private static String sample(List<String> files) {
        if (files.isEmpty()) {
            return "no files";
        }
        return files.size() <= 3 ? String.join(", ", files) : String.join(", ", files.subList(0, 3)) + " and "
                + (files.size() - 3) + " more";
    }

    private static String chooseConfig(List<String> configs, Optional<String> entrypoint) {
        if (entrypoint.isPresent()) {
            String wanted = entrypoint.get().replaceFirst("\\.dll$", "") + RUNTIMECONFIG;
            if (!configs.contains(wanted)) {
                throw new ImagerException(ENTRYPOINT_MISSING, "spec.entrypoint is " + entrypoint.get()
                        + " but the bundle has no " + wanted + "; it has " + configs);
            }
            return wanted;
        }
        if (configs.size() > 1) {
            throw new ImagerException(ENTRYPOINT_AMBIGUOUS, "the bundle has several runtimeconfig files " + configs
                    + ": set spec.entrypoint to the main assembly, e.g. \"" + configs.get(0).replace(RUNTIMECONFIG, ".dll") + "\"");
        }
        return configs.get(0);
    }

    private static List<String> listFiles(Path root) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (var walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> names.add(root.relativize(p).toString()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new ArrayList<>(names);
    }

    /** Nothing of a refused bundle stays behind; a failure to delete is added to the refusal. */
    private static void deleteAfterRefusal(Path dir, Throwable refusal) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            refusal.addSuppressed(e);
        }
    }
}
