package dev.unifarm.imager;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Validates and extracts an uploaded bundle ({@code .zip} or {@code .tar.gz} of {@code dotnet
 * publish} output). Every entry name is checked before anything is written, so a hostile archive
 * cannot write outside the target directory.
 */
public final class BundleReader {

    public static final String INVALID = "invalid-bundle";
    private static final String RUNTIMECONFIG = ".runtimeconfig.json";

    private final long maxBytes;
    private final int maxEntries;

    public BundleReader(long maxBytes, int maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** Defaults fit any real app: 1 GiB unpacked, 50,000 files. */
    public BundleReader() {
        this(1L << 30, 50_000);
    }

    /**
     * Extracts {@code archive} into {@code target} (created; must not exist) and finds the app.
     *
     * @param entrypoint the main assembly asked for in the app spec, or empty to infer it
     */
    public Bundle read(Path archive, Path target, Optional<String> entrypoint) {
        try {
            Files.createDirectories(target);
            switch (ArchiveKind.of(archive)) {
                case ZIP -> extractZip(archive, target);
                case TAR_GZ -> extractTarGz(archive, target);
                default -> throw new ImagerException(INVALID,
                        "the bundle is neither a .zip nor a .tar.gz archive: zip or tar+gzip the folder dotnet publish wrote");
            }
            Path root = unwrapSingleTopDirectory(target);
            return describe(root, entrypoint);
        } catch (IOException e) {
            throw new ImagerException(INVALID, "the bundle archive cannot be read (" + e.getMessage()
                    + "): upload a complete .zip or .tar.gz", e);
        }
    }

    private void extractZip(Path archive, Path target) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
            checkCount(entries.size());
            long total = 0;
            for (ZipArchiveEntry entry : entries) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (entry.isUnixSymlink()) {
                    throw new ImagerException(INVALID, "the bundle contains a symbolic link (" + entry.getName()
                            + "): dotnet publish output has none; zip the files themselves");
                }
                Path out = safeTarget(target, entry.getName());
                try (InputStream in = zip.getInputStream(entry)) {
                    total += copyBounded(in, out, total);
                }
            }
        }
    }

    private void extractTarGz(Path archive, Path target) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            long total = 0;
            int count = 0;
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                checkCount(++count);
                if (entry.isDirectory()) {
                    continue;
                }
                // isFile() is also true for links and devices, so ask about those explicitly.
                if (!entry.isFile() || entry.isSymbolicLink() || entry.isLink() || entry.isCharacterDevice()
                        || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new ImagerException(INVALID, "the bundle contains " + entry.getName()
                            + ", which is a link or device, not a regular file: archive the files themselves");
                }
                total += copyBounded(tar, safeTarget(target, entry.getName()), total);
            }
        }
    }

    private void checkCount(int count) {
        if (count > maxEntries) {
            throw new ImagerException(INVALID, "the bundle has more than " + maxEntries + " entries");
        }
    }

    /** Resolves an archive entry name under {@code target}, refusing absolute and escaping paths. */
    static Path safeTarget(Path target, String name) {
        String clean = name.replace('\\', '/');
        while (clean.startsWith("./")) {
            clean = clean.substring(2);
        }
        if (clean.isEmpty() || clean.startsWith("/") || clean.indexOf('\0') >= 0
                || List.of(clean.split("/")).contains("..")) {
            throw new ImagerException(INVALID, "the bundle contains an unsafe entry name \"" + name
                    + "\": entries must be relative paths without \"..\"");
        }
        Path out = target.resolve(clean).normalize();
        if (!out.startsWith(target)) {
            throw new ImagerException(INVALID, "the bundle entry \"" + name + "\" points outside the bundle");
        }
        return out;
    }

    private long copyBounded(InputStream in, Path out, long alreadyWritten) throws IOException {
        Files.createDirectories(out.getParent());
        long budget = maxBytes - alreadyWritten;
        long written;
        try (var sink = Files.newOutputStream(out)) {
            written = in.transferTo(new BoundedOutputStream(sink, budget));
        } catch (BoundedOutputStream.LimitExceeded e) {
            throw new ImagerException(INVALID, "the bundle unpacks to more than " + maxBytes
                    + " bytes: upload only the dotnet publish output");
        }
        return written;
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
            throw new ImagerException(INVALID, "the bundle has no *.runtimeconfig.json at its top level: "
                    + "upload the output of `dotnet publish`, which writes X.dll next to X.runtimeconfig.json");
        }
        String config = chooseConfig(configs, entrypoint);
        String dll = config.substring(0, config.length() - RUNTIMECONFIG.length()) + ".dll";
        if (!files.contains(dll)) {
            throw new ImagerException(INVALID, "the bundle has " + config + " but no " + dll
                    + ": upload the complete dotnet publish output");
        }
        RuntimeConfig runtimeConfig = RuntimeConfig.parse(config, Files.readAllBytes(root.resolve(config)));
        return new Bundle(root, dll, runtimeConfig, files);
    }

    private static String chooseConfig(List<String> configs, Optional<String> entrypoint) {
        if (entrypoint.isPresent()) {
            String wanted = entrypoint.get().replaceFirst("\\.dll$", "") + RUNTIMECONFIG;
            if (!configs.contains(wanted)) {
                throw new ImagerException(INVALID, "spec.entrypoint is " + entrypoint.get() + " but the bundle has no "
                        + wanted + "; it has " + configs);
            }
            return wanted;
        }
        if (configs.size() > 1) {
            throw new ImagerException(INVALID, "the bundle has several runtimeconfig files " + configs
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
}
