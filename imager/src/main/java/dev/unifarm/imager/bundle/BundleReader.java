package dev.unifarm.imager.bundle;

import dev.unifarm.imager.archive.ArchiveExtractor;
import dev.unifarm.imager.archive.ArchiveKind;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
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
 * <p>Every refusal is an {@link ImagerException} whose type is one of the bundle kinds in {@link ErrorKinds}.
 */
public final class BundleReader {

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

    /** The bundle {@link #read} extracted into {@code target} before (a checked upload), described again without extracting. */
    public Bundle reread(Path target, Optional<String> entrypoint) {
        try {
            return describe(unwrapSingleTopDirectory(target), entrypoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void extract(Path archive, Path target) {
        try {
            switch (ArchiveKind.of(archive)) {
                case ZIP -> extractor.zip(archive, target);
                case TAR_GZ -> extractor.tarGz(archive, target);
                default -> throw new ImagerException(ErrorKinds.INVALID,
                        "the bundle is neither a .zip nor a .tar.gz archive: zip or tar+gzip the folder dotnet publish wrote");
            }
        } catch (ImagerException | UncheckedIOException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Malformed archives make parsers throw IllegalArgumentException & co. too: all the archive's fault.
            throw new ImagerException(ErrorKinds.CORRUPT, "the bundle archive is damaged or truncated (" + e.getMessage()
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
                throw new ImagerException(ErrorKinds.NOT_DOTNET, "the bundle holds no .NET assembly (.dll) and no *.runtimeconfig.json, "
                        + "so it is not a .NET app (it has " + sample(files) + "): " + PUBLISH_OUTPUT);
            }
            throw new ImagerException(ErrorKinds.INVALID, "the bundle has no *.runtimeconfig.json at its top level: "
                    + "upload the output of `dotnet publish`, which writes X.dll next to X.runtimeconfig.json");
        }
        String config = chooseConfig(configs, entrypoint);
        String dll = config.substring(0, config.length() - RUNTIMECONFIG.length()) + ".dll";
        if (!files.contains(dll)) {
            throw new ImagerException(ErrorKinds.ENTRYPOINT_MISSING, "the bundle has " + config + " but not its main assembly " + dll
                    + ": upload the complete dotnet publish output");
        }
        RuntimeConfig runtimeConfig = RuntimeConfig.parse(config, Files.readAllBytes(root.resolve(config)));
        if (!runtimeConfig.frameworkDependent() && !files.containsAll(SELF_CONTAINED_RUNTIME)) {
            throw new ImagerException(ErrorKinds.INVALID, config + " names no shared framework, so the app would be self-contained, "
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
                throw new ImagerException(ErrorKinds.ENTRYPOINT_MISSING, "spec.entrypoint is " + entrypoint.get()
                        + " but the bundle has no " + wanted + "; it has " + configs);
            }
            return wanted;
        }
        if (configs.size() > 1) {
            throw new ImagerException(ErrorKinds.ENTRYPOINT_AMBIGUOUS, "the bundle has several runtimeconfig files " + configs
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
