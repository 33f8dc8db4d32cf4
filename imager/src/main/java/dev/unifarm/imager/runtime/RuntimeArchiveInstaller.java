package dev.unifarm.imager.runtime;

import dev.unifarm.imager.archive.ArchiveEntryRules;
import dev.unifarm.imager.archive.ArchiveKind;
import dev.unifarm.imager.archive.BoundedOutputStream;
import dev.unifarm.imager.closure.ElfIdent;
import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.FileTrees;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RuntimeVersion;
import dev.unifarm.imager.rootfs.RuntimeSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Registers a runtime into a {@link RuntimeStore} from an archive laid out like Microsoft's
 * {@code dotnet-runtime-<version>-linux-x64.tar.gz}: {@code dotnet}, {@code host/fxr/<v>/libhostfxr.so},
 * {@code shared/Microsoft.NETCore.App/<version>/…} (entry names may start with {@code ./}; a single
 * top folder around them is accepted too).
 *
 * <p>Checks before anything becomes visible: gzip magic bytes, entry names (the bundle reader's path
 * check: no absolute paths, no {@code ..}), no links or devices, size and entry caps, the required
 * files, and that {@code dotnet} and {@code libcoreclr.so} are x86-64 ELF files. It extracts into a
 * temporary directory inside the store's framework directory, then renames it to
 * {@code <store>/Microsoft.NETCore.App/<version>/}, so a runtime is either fully there or absent.
 */
public final class RuntimeArchiveInstaller {

    /** The only shared framework the farm builds images on so far. */
    public static final String FRAMEWORK = "Microsoft.NETCore.App";

    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final String HINT = ": upload Microsoft's dotnet-runtime-<version>-linux-x64.tar.gz";

    private final RuntimeStore store;
    private final long maxBytes;
    private final int maxEntries;
    private final Object installLock = new Object();

    public RuntimeArchiveInstaller(RuntimeStore store, long maxBytes, int maxEntries) {
        this.store = store;
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** Defaults fit any real runtime archive: 1 GiB unpacked, 20,000 files. */
    public RuntimeArchiveInstaller(RuntimeStore store) {
        this(store, 1L << 30, 20_000);
    }

    /**
     * Validates {@code archive} and installs it.
     *
     * @return the installed runtime
     * @throws ImagerException {@code invalid-runtime} (what is wrong with the archive) or
     *     {@code runtime-exists} (that version is already in the store)
     */
    public DotnetRuntime install(Path archive) {
        Path temp = null;
        try {
            Path frameworkDir = Files.createDirectories(store.dir().resolve(FRAMEWORK));
            // Inside the framework dir so the final rename stays on one file system; the store ignores
            // names that are not versions, so a half-extracted runtime is never listed.
            temp = Files.createTempDirectory(frameworkDir, ".install-");
            // Normalized: the path check compares normalized entry paths against it.
            Path extracted = Files.createDirectory(temp.resolve("x")).toAbsolutePath().normalize();
            try {
                if (ArchiveKind.of(archive) != ArchiveKind.TAR_GZ) {
                    throw invalid("the runtime archive is not a gzip-compressed tar" + HINT);
                }
                extract(archive, extracted);
            } catch (IOException e) {
                throw new ImagerException(ErrorKinds.INVALID_RUNTIME, "the runtime archive cannot be read (" + e.getMessage()
                        + "): upload a complete .tar.gz", e);
            }
            Path root = unwrapSingleTopDirectory(extracted);
            RuntimeVersion version = check(root);
            Files.setPosixFilePermissions(root, EXECUTABLE);
            return moveIntoPlace(root, version);
        } catch (IOException e) {
            throw new UncheckedIOException("installing a runtime into " + store.dir() + " failed", e);
        } finally {
            if (temp != null) {
                deleteTree(temp);
            }
        }
    }

    private DotnetRuntime moveIntoPlace(Path root, RuntimeVersion version) throws IOException {
        Path target = store.installPath(FRAMEWORK, version);
        synchronized (installLock) {
            var existing = store.find(FRAMEWORK, version);
            if (existing.isPresent() || Files.exists(target)) {
                throw exists(version);
            }
            try {
                Files.move(root, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw exists(version); // another farm process won the race
            }
        }
        return new DotnetRuntime(FRAMEWORK, version, target);
    }

    private void extract(Path archive, Path target) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            long total = 0;
            int count = 0;
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (++count > maxEntries) {
                    throw invalid("the runtime archive has more than " + maxEntries + " entries" + HINT);
                }
                if (entry.isDirectory()) {
                    if (!isTopDirectory(entry.getName())) {
                        Files.createDirectories(entryTarget(target, entry.getName()));
                    }
                    continue;
                }
                // isFile() is also true for links and devices, so ask about those explicitly.
                if (!entry.isFile() || entry.isSymbolicLink() || entry.isLink() || entry.isCharacterDevice()
                        || entry.isBlockDevice() || entry.isFIFO()) {
                    throw invalid("the runtime archive contains " + entry.getName()
                            + ", which is a link or device, not a regular file" + HINT);
                }
                Path out = entryTarget(target, entry.getName());
                total += copyBounded(tar, out, total);
                Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0 ? EXECUTABLE : READABLE);
            }
        }
    }

    private static boolean isTopDirectory(String name) {
        return name.replace('\\', '/').replaceAll("^(\\./)+", "").replaceAll("^\\.?/?$", "").isEmpty();
    }

    /** The bundle reader's path check, reported as a runtime archive problem. */
    private static Path entryTarget(Path target, String name) {
        try {
            Path out = target.resolve(ArchiveEntryRules.normalize(name)).normalize();
            if (!out.startsWith(target)) {
                throw invalid("the runtime archive entry \"" + name + "\" points outside the archive" + HINT);
            }
            return out;
        } catch (ImagerException e) {
            throw invalid(e.getMessage().replace("the bundle", "the runtime archive").replace("the publish folder", "the archive"));
        }
    }

    private long copyBounded(InputStream in, Path out, long alreadyWritten) throws IOException {
        Files.createDirectories(out.getParent());
        try (var sink = Files.newOutputStream(out)) {
            return in.transferTo(new BoundedOutputStream(sink, maxBytes - alreadyWritten));
        } catch (BoundedOutputStream.LimitExceeded e) {
            throw invalid("the runtime archive unpacks to more than " + maxBytes + " bytes" + HINT);
        }
    }

    /** Archives made with {@code tar czf x.tar.gz dotnet-runtime/} have one folder around the root. */
    private static Path unwrapSingleTopDirectory(Path target) throws IOException {
        try (var children = Files.list(target)) {
            List<Path> all = children.toList();
            if (all.size() == 1 && Files.isDirectory(all.get(0)) && !all.get(0).getFileName().toString().equals("shared")) {
                return all.get(0);
            }
        }
        return target;
    }

    /** Checks the dotnet root's layout and files; returns the framework version it holds. */
    private static RuntimeVersion check(Path root) throws IOException {
        Path host = root.resolve("dotnet");
        if (!Files.isRegularFile(host)) {
            throw invalid("the runtime archive has no dotnet host at its top level (./dotnet)" + HINT);
        }
        checkElf(host, "dotnet");

        Path shared = root.resolve("shared");
        List<String> frameworks = childDirectories(shared);
        if (!frameworks.equals(List.of(FRAMEWORK))) {
            throw invalid("the runtime archive's shared/ holds " + (frameworks.isEmpty() ? "no framework" : frameworks)
                    + " but must hold exactly " + FRAMEWORK + HINT + " (not the ASP.NET Core or SDK archive)");
        }
        List<String> versions = childDirectories(shared.resolve(FRAMEWORK));
        if (versions.size() != 1) {
            throw invalid("the runtime archive's shared/" + FRAMEWORK + "/ holds " + (versions.isEmpty() ? "no version"
                    : versions.size() + " versions " + versions) + "; register one runtime version per archive");
        }
        RuntimeVersion version = version(versions.get(0), "shared/" + FRAMEWORK + "/" + versions.get(0));

        List<String> fxr = childDirectories(root.resolve("host/fxr"));
        for (String name : fxr) {
            version(name, "host/fxr/" + name);
        }
        if (fxr.stream().noneMatch(name -> Files.isRegularFile(root.resolve("host/fxr").resolve(name).resolve("libhostfxr.so")))) {
            throw invalid("the runtime archive has no host/fxr/<version>/libhostfxr.so" + HINT);
        }

        DotnetRuntime runtime = new DotnetRuntime(FRAMEWORK, version, root);
        String frameworkPath = "shared/" + FRAMEWORK + "/" + version + "/";
        try {
            RuntimeNativeFiles.required(RuntimeSource.shared(runtime));
        } catch (ImagerException e) {
            throw invalid("the runtime archive is incomplete: " + frameworkPath + " " + e.getMessage()
                    .replaceFirst("^runtime \\S+ ", "").replaceFirst(": register the runtime archive again$", "") + HINT);
        }
        for (String file : List.of("System.Private.CoreLib.dll", FRAMEWORK + ".deps.json")) {
            if (!Files.isRegularFile(runtime.frameworkDir().resolve(file))) {
                throw invalid("the runtime archive is incomplete: " + frameworkPath + " lacks " + file + HINT);
            }
        }
        checkElf(runtime.frameworkDir().resolve("libcoreclr.so"), frameworkPath + "libcoreclr.so");
        return version;
    }

    private static RuntimeVersion version(String name, String where) {
        try {
            return RuntimeVersion.parse(name);
        } catch (IllegalArgumentException e) {
            throw invalid("the runtime archive's " + where + " is not named by a major.minor.patch release version"
                    + " (pre-release runtimes are not supported)");
        }
    }

    /** Refuses anything but a 64-bit little-endian x86-64 ELF: the images boot x86-64 guests. */
    private static void checkElf(Path file, String name) throws IOException {
        ElfIdent elf = ElfIdent.read(file).orElseThrow(() -> invalid("the runtime archive's " + name + " is not an ELF file" + HINT));
        if (!elf.x8664()) {
            throw invalid("the runtime archive's " + name + " is an ELF file for another machine (class " + elf.elfClass()
                    + ", data " + elf.data() + ", e_machine " + elf.machine() + "), not x86-64" + HINT);
        }
    }

    private static List<String> childDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var children = Files.list(dir)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static ImagerException invalid(String detail) {
        return new ImagerException(ErrorKinds.INVALID_RUNTIME, detail);
    }

    private static ImagerException exists(RuntimeVersion version) {
        return new ImagerException(ErrorKinds.RUNTIME_EXISTS, FRAMEWORK + " " + version + " is already registered and a registered runtime is"
                + " never replaced (built images name it): nothing to do, or register a different build under a new version");
    }

    private static void deleteTree(Path dir) {
        FileTrees.delete(dir);
    }
}
