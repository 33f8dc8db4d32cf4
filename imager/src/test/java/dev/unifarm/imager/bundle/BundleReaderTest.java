package dev.unifarm.imager.bundle;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleReaderTest {

    private static final List<String> HELLO_FILES = List.of("hello.deps.json", "hello.dll", "hello.runtimeconfig.json");
    private static final String SELF_CONTAINED_CONFIG = "{\"runtimeOptions\": {\"tfm\": \"netcoreapp2.0\"}}";

    @TempDir
    Path temp;

    private final BundleReader reader = new BundleReader();

    @Test
    void testRead_helloZip() throws IOException {
        Bundle bundle = read(RealParts.sample("hello"));

        assertThat(bundle.root()).isEqualTo(target());
        assertThat(bundle.entrypoint()).isEqualTo("hello.dll");
        assertThat(bundle.runtimeConfig().fileName()).isEqualTo("hello.runtimeconfig.json");
        assertThat(bundle.runtimeConfig().frameworkName()).isEqualTo("Microsoft.NETCore.App");
        assertThat(bundle.runtimeConfig().frameworkVersion()).isEqualTo("2.0.0");
        assertThat(bundle.runtimeConfig().frameworkDependent()).isTrue();
        assertThat(bundle.files()).containsExactlyElementsOf(HELLO_FILES).isSorted();
        assertThat(bundle.nativeLibraries()).isEmpty();
        assertThat(bundle.root().resolve("hello.dll")).hasSameBinaryContentAs(RealParts.sampleDir("hello").resolve("hello.dll"));
    }

    @Test
    void testRead_tarGzReadsLikeZip() throws IOException {
        Bundle fromZip = reader.read(RealParts.sample("hello"), temp.resolve("from-zip"), Optional.empty());
        Path tarGz = tarGz(RealParts.sampleDir("hello"), "");

        Bundle fromTar = read(tarGz);

        assertThat(fromTar.entrypoint()).isEqualTo(fromZip.entrypoint());
        assertThat(fromTar.runtimeConfig()).isEqualTo(fromZip.runtimeConfig());
        assertThat(fromTar.files()).isEqualTo(fromZip.files()).isEqualTo(HELLO_FILES);
        for (String file : HELLO_FILES) {
            assertThat(fromTar.root().resolve(file)).hasSameBinaryContentAs(fromZip.root().resolve(file));
        }
    }

    @Test
    void testRead_zipUnderSingleTopFolderIsUnwrapped() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("publish/", null);
        helloFiles().forEach((name, content) -> entries.put("publish/" + name, content));

        Bundle bundle = read(zip("wrapped.zip", entries));

        assertThat(bundle.root()).isEqualTo(target().resolve("publish"));
        assertThat(bundle.entrypoint()).isEqualTo("hello.dll");
        assertThat(bundle.files()).isEqualTo(HELLO_FILES);
    }

    @Test
    void testRead_tarGzUnderSingleTopFolderIsUnwrapped() throws IOException {
        Bundle bundle = read(tarGz(RealParts.sampleDir("hello"), "publish/"));

        assertThat(bundle.root()).isEqualTo(target().resolve("publish"));
        assertThat(bundle.files()).isEqualTo(HELLO_FILES);
    }

    @Test
    void testRead_notAnArchive() throws IOException {
        Path notArchive = Files.writeString(temp.resolve("hello.zip"), "this is plain text, not an archive");

        ImagerException e = readFails(ErrorKinds.INVALID, notArchive);

        assertThat(e.getMessage()).contains("zip").contains("tar.gz");
    }

    @Test
    void testRead_zipWithoutRuntimeconfig() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.runtimeconfig.json");

        ImagerException e = readFails(ErrorKinds.INVALID, zip("no-config.zip", entries));

        assertThat(e.getMessage()).contains("runtimeconfig.json").contains("dotnet publish");
    }

    @Test
    void testRead_runtimeconfigWithoutDll() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.dll");

        ImagerException e = readFails(ErrorKinds.ENTRYPOINT_MISSING, zip("no-dll.zip", entries));

        assertThat(e.getMessage()).contains("hello.dll").contains("hello.runtimeconfig.json");
    }

    @Test
    void testRead_zipEntryEscapingTargetIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("../evil.txt", bytes("pwned"));

        ImagerException e = readFails(ErrorKinds.PATH_TRAVERSAL, zip("evil.zip", entries));

        assertThat(e.getMessage()).contains("../evil.txt");
        assertThat(target().getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRead_tarGzEntryEscapingTargetIsRefused() throws IOException {
        Path archive = temp.resolve("evil.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            putTarFile(tar, "hello.dll", bytes("x"));
            putTarFile(tar, "sub/../../evil.txt", bytes("pwned"));
        }

        ImagerException e = readFails(ErrorKinds.PATH_TRAVERSAL, archive);

        assertThat(e.getMessage()).contains("evil.txt").contains("..");
        assertThat(target().getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRead_tarGzSymlinkIsRefused() throws IOException {
        Path archive = temp.resolve("link.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            TarArchiveEntry link = new TarArchiveEntry("hello.dll", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }

        ImagerException e = readFails(ErrorKinds.LINK, archive);

        assertThat(e.getMessage()).contains("hello.dll").contains("symbolic link").contains("/etc/passwd");
    }

    @Test
    void testRead_tarGzHardLinkIsRefused() throws IOException {
        Path archive = temp.resolve("hardlink.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            putTarFile(tar, "hello.runtimeconfig.json", bytes("{}"));
            TarArchiveEntry link = new TarArchiveEntry("hello.dll", TarArchiveEntry.LF_LINK);
            link.setLinkName("hello.runtimeconfig.json");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }

        assertThat(readFails(ErrorKinds.LINK, archive).getMessage()).contains("hello.dll").contains("hard link");
    }

    @Test
    void testRead_absoluteEntryIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("/etc/x", bytes("pwned"));

        ImagerException e = readFails(ErrorKinds.ABSOLUTE_PATH, zip("absolute.zip", entries));

        assertThat(e.getMessage()).contains("/etc/x");
    }

    @Test
    void testRead_zipSymlinkIsRefused() throws IOException {
        Path archive = temp.resolve("link.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
            ZipArchiveEntry link = new ZipArchiveEntry("hello.dll");
            link.setUnixMode(UnixStat.LINK_FLAG | 0777);
            zip.putArchiveEntry(link);
            zip.write(bytes("/etc/passwd"));
            zip.closeArchiveEntry();
        }

        ImagerException e = readFails(ErrorKinds.LINK, archive);

        assertThat(e.getMessage()).contains("symbolic link").contains("hello.dll");
    }

    @Test
    void testRead_twoRuntimeconfigsWithoutEntrypoint() throws IOException {
        ImagerException e = readFails(ErrorKinds.ENTRYPOINT_AMBIGUOUS, zip("two.zip", twoApps()));

        assertThat(e.getMessage()).contains("spec.entrypoint").contains("one.runtimeconfig.json", "two.runtimeconfig.json");
    }

    @Test
    void testRead_twoRuntimeconfigsWithEntrypoint() throws IOException {
        Bundle bundle = reader.read(zip("two.zip", twoApps()), target(), Optional.of("two.dll"));

        assertThat(bundle.entrypoint()).isEqualTo("two.dll");
        assertThat(bundle.runtimeConfig().fileName()).isEqualTo("two.runtimeconfig.json");
    }

    @Test
    void testRead_unknownEntrypoint() throws IOException {
        Path archive = RealParts.sample("hello");

        ImagerException e = failure(ErrorKinds.ENTRYPOINT_MISSING,
                () -> reader.read(archive, target(), Optional.of("missing.dll")));

        assertThat(e.getMessage()).contains("missing.dll").contains("hello.runtimeconfig.json");
    }

    @Test
    void testRead_bundleLargerThanMaxBytes() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("big.bin", new byte[2048]);
        Path archive = zip("big.zip", entries);

        ImagerException e = failure(ErrorKinds.TOO_LARGE,
                () -> new BundleReader(1024, 100).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("1024 bytes");
    }

    @Test
    void testRead_moreEntriesThanMaxEntries() throws IOException {
        Path archive = RealParts.sample("hello");

        ImagerException e = failure(ErrorKinds.TOO_MANY_ENTRIES,
                () -> new BundleReader(1 << 20, 2).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("3 entries").contains("more than 2");
    }

    @Test
    void testRead_runtimeconfigNotJson() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("hello.runtimeconfig.json", bytes("<xml>not json</xml>"));

        ImagerException e = readFails(ErrorKinds.INVALID_RUNTIMECONFIG, zip("bad-config.zip", entries));

        assertThat(e.getMessage()).contains("hello.runtimeconfig.json").contains("JSON");
    }

    @Test
    void testRead_selfContainedBundleIsRecognised() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("hello.runtimeconfig.json", bytes(SELF_CONTAINED_CONFIG));
        for (String file : List.of("libcoreclr.so", "System.Private.CoreLib.dll")) {
            entries.put(file, Files.readAllBytes(RealParts.runtime().frameworkDir().resolve(file)));
        }

        Bundle bundle = read(zip("self-contained.zip", entries));

        assertThat(bundle.kind()).isEqualTo(Bundle.Kind.SELF_CONTAINED);
        assertThat(bundle.selfContained()).isTrue();
        assertThat(bundle.runtimeConfig().frameworkDependent()).isFalse();
        assertThat(bundle.runtimeConfig().frameworkName()).isNull();
        assertThat(bundle.runtimeConfig().frameworkVersion()).isNull();
        assertThat(bundle.nativeLibraries()).containsExactly("libcoreclr.so");
    }

    @Test
    void testRead_frameworkDependentBundleIsRecognised() {
        Bundle bundle = read(RealParts.sample("hello"));

        assertThat(bundle.kind()).isEqualTo(Bundle.Kind.FRAMEWORK_DEPENDENT);
        assertThat(bundle.selfContained()).isFalse();
    }

    @Test
    void testRead_frameworklessConfigWithoutRuntimeIsNeither() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("hello.runtimeconfig.json", bytes(SELF_CONTAINED_CONFIG));

        ImagerException e = readFails(ErrorKinds.INVALID, zip("neither.zip", entries));

        assertThat(e.getMessage()).contains("neither").contains("libcoreclr.so").contains("self-contained")
                .contains("hello.runtimeconfig.json");
    }

    /** A self-contained publish carries the whole framework: real ELF and IL files must pass every cap. */
    @Test
    void testRead_selfContainedPublishOfRealRuntimePassesSizeAndRatioCaps() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("hello.runtimeconfig.json", bytes(SELF_CONTAINED_CONFIG));
        List<Path> framework;
        try (Stream<Path> files = Files.list(RealParts.runtime().frameworkDir())) {
            framework = files.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : framework) {
            entries.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        Path zip = zip("self-contained.zip", entries);
        Path tarGz = temp.resolve("self-contained.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(tarGz)) {
            for (var entry : entries.entrySet()) {
                putTarFile(tar, entry.getKey(), entry.getValue());
            }
        }

        Bundle fromZip = reader.read(zip, temp.resolve("from-zip"), Optional.empty());
        Bundle fromTar = reader.read(tarGz, temp.resolve("from-tar"), Optional.empty());

        assertThat(fromZip.selfContained()).isTrue();
        assertThat(fromZip.files()).hasSize(entries.size()).isEqualTo(fromTar.files());
        assertThat(fromZip.nativeLibraries()).contains("libcoreclr.so", "System.Native.so");
    }

    @Test
    void testRead_zipEntryClimbingOutOfASubfolderIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("sub/../../evil.txt", bytes("pwned"));

        ImagerException e = readFails(ErrorKinds.PATH_TRAVERSAL, zip("evil.zip", entries));

        assertThat(e.getMessage()).contains("sub/../../evil.txt");
        assertThat(temp.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRead_zipEntryWithBackslashTraversalIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("..\\evil.txt", bytes("pwned"));

        ImagerException e = readFails(ErrorKinds.PATH_TRAVERSAL, zip("evil.zip", entries));

        assertThat(e.getMessage()).contains("evil.txt").contains("..");
    }

    @Test
    void testRead_tarGzAbsoluteEntryIsRefused() throws IOException {
        Path archive = temp.resolve("absolute.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            putTarFile(tar, "hello.dll", bytes("x"));
            TarArchiveEntry absolute = new TarArchiveEntry("/tmp/unifarm-evil.txt", true);
            absolute.setSize(5);
            tar.putArchiveEntry(absolute);
            tar.write(bytes("pwned"));
            tar.closeArchiveEntry();
        }

        ImagerException e = readFails(ErrorKinds.ABSOLUTE_PATH, archive);

        assertThat(e.getMessage()).contains("/tmp/unifarm-evil.txt");
        assertThat(Path.of("/tmp/unifarm-evil.txt")).doesNotExist();
    }

    @Test
    void testRead_windowsDrivePathIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("C:/Windows/evil.txt", bytes("pwned"));

        ImagerException e = readFails(ErrorKinds.ABSOLUTE_PATH, zip("drive.zip", entries));

        assertThat(e.getMessage()).contains("C:/Windows/evil.txt");
    }

    @Test
    void testRead_tarGzSymlinkToParentFolderIsRefused() throws IOException {
        Path archive = temp.resolve("link.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            helloFiles().forEach((name, content) -> putTarFileUnchecked(tar, name, content));
            TarArchiveEntry link = new TarArchiveEntry("escape", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("../../..");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }

        ImagerException e = readFails(ErrorKinds.LINK, archive);

        assertThat(e.getMessage()).contains("escape").contains("../../..");
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
    void testRead_tarGzDeviceOrFifoIsRefused(byte type) throws IOException {
        Path archive = temp.resolve("device.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            helloFiles().forEach((name, content) -> putTarFileUnchecked(tar, name, content));
            TarArchiveEntry device = new TarArchiveEntry("dev/thing", type);
            device.setDevMajor(1);
            device.setDevMinor(3);
            tar.putArchiveEntry(device);
            tar.closeArchiveEntry();
        }

        ImagerException e = readFails(ErrorKinds.SPECIAL_FILE, archive);

        assertThat(e.getMessage()).contains("dev/thing").containsAnyOf("device", "FIFO");
    }

    @Test
    void testRead_zipFifoEntryIsRefused() throws IOException {
        Path archive = temp.resolve("fifo.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
            ZipArchiveEntry fifo = new ZipArchiveEntry("pipe");
            fifo.setUnixMode(0010000 | 0644);
            zip.putArchiveEntry(fifo);
            zip.closeArchiveEntry();
        }

        ImagerException e = readFails(ErrorKinds.SPECIAL_FILE, archive);

        assertThat(e.getMessage()).contains("pipe");
    }

    @Test
    void testRead_zipBombEntryIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("zeros.bin", new byte[16 << 20]);
        Path archive = zip("bomb.zip", entries);

        ImagerException e = readFails(ErrorKinds.BOMB, archive);

        assertThat(Files.size(archive)).isLessThan(1 << 20);
        assertThat(e.getMessage()).contains("zeros.bin").contains("100 times");
    }

    @Test
    void testRead_tarGzBombIsRefused() throws IOException {
        Path archive = temp.resolve("bomb.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            helloFiles().forEach((name, content) -> putTarFileUnchecked(tar, name, content));
            putTarFile(tar, "zeros.bin", new byte[16 << 20]);
        }

        ImagerException e = readFails(ErrorKinds.BOMB, archive);

        assertThat(e.getMessage()).contains("100 times");
    }

    @Test
    void testRead_highRatioUnderOneMebibyteIsAccepted() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("zeros.bin", new byte[1 << 20]);

        Bundle bundle = read(zip("zeros.zip", entries));

        assertThat(bundle.root().resolve("zeros.bin")).hasSize(1 << 20);
    }

    @Test
    void testRead_zipEntryUnpackingPastItsDeclaredSizeIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        byte[] text = new byte[64 << 10];
        new java.util.Random(1).nextBytes(text);
        entries.put("data.bin", text);
        Path archive = zip("lying.zip", entries);
        patchCentralDirectorySize(archive, "data.bin", 1000);

        ImagerException e = readFails(ErrorKinds.CORRUPT, archive);

        assertThat(e.getMessage()).contains("data.bin").contains("1000");
    }

    @Test
    void testRead_tarGzLargerThanMaxBytes() throws IOException {
        Path archive = tarGz(RealParts.sampleDir("hello"), "");

        ImagerException e = failure(ErrorKinds.TOO_LARGE,
                () -> new BundleReader(1024, 100).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("1024 bytes");
        assertThat(target()).doesNotExist();
    }

    @Test
    void testRead_tarGzWithMoreEntriesThanMaxEntries() throws IOException {
        Path archive = tarGz(RealParts.sampleDir("hello"), "");

        ImagerException e = failure(ErrorKinds.TOO_MANY_ENTRIES,
                () -> new BundleReader(1 << 20, 2).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("more than 2 entries");
        assertThat(target()).doesNotExist();
    }

    @Test
    void testRead_nameSegmentOver255BytesIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("x".repeat(252) + ".dll", bytes("x"));

        ImagerException e = readFails(ErrorKinds.NAME_TOO_LONG, zip("long.zip", entries));

        assertThat(e.getMessage()).contains("256 bytes").contains("255");
    }

    @Test
    void testRead_nameOver1024BytesIsRefused() throws IOException {
        Path archive = temp.resolve("long.tar.gz");
        String name = String.join("/", java.util.Collections.nCopies(5, "d".repeat(250))) + "/x.dll";
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            helloFiles().forEach((n, content) -> putTarFileUnchecked(tar, n, content));
            putTarFile(tar, name, bytes("x"));
        }

        ImagerException e = readFails(ErrorKinds.NAME_TOO_LONG, archive);

        assertThat(e.getMessage()).contains(name.length() + " bytes").contains("1024");
    }

    @Test
    void testRead_controlCharacterInNameIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("bad\nname.dll", bytes("x"));

        ImagerException e = readFails(ErrorKinds.UNSAFE_NAME, zip("control.zip", entries));

        assertThat(e.getMessage()).contains("control characters");
    }

    @Test
    void testRead_zipDuplicateEntryIsRefused() throws IOException {
        Path archive = temp.resolve("duplicate.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
            for (var entry : helloFiles().entrySet()) {
                putZipFile(zip, entry.getKey(), entry.getValue());
            }
            putZipFile(zip, "hello.dll", bytes("second copy"));
        }

        ImagerException e = readFails(ErrorKinds.DUPLICATE_ENTRY, archive);

        assertThat(e.getMessage()).contains("hello.dll").contains("twice");
    }

    @Test
    void testRead_tarGzDuplicateAfterNormalizationIsRefused() throws IOException {
        Path archive = temp.resolve("duplicate.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive)) {
            helloFiles().forEach((name, content) -> putTarFileUnchecked(tar, name, content));
            putTarFile(tar, "lib/a.dll", bytes("first"));
            putTarFile(tar, "./lib//a.dll", bytes("second"));
        }

        ImagerException e = readFails(ErrorKinds.DUPLICATE_ENTRY, archive);

        assertThat(e.getMessage()).contains("lib/a.dll").contains("twice");
    }

    @Test
    void testRead_namesDifferingOnlyInCaseAreDistinct() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("Data.txt", bytes("upper"));
        entries.put("data.txt", bytes("lower"));

        Bundle bundle = read(zip("case.zip", entries));

        assertThat(bundle.files()).contains("Data.txt", "data.txt");
    }

    @Test
    void testRead_nameThatIsFileAndFolderIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("lib", bytes("a file"));
        entries.put("lib/a.dll", bytes("in a folder"));

        ImagerException e = readFails(ErrorKinds.DUPLICATE_ENTRY, zip("conflict.zip", entries));

        assertThat(e.getMessage()).contains("lib").contains("both as a file and as a folder");
    }

    @Test
    void testRead_truncatedZipIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(RealParts.sample("hello"));
        Path archive = Files.write(temp.resolve("truncated.zip"), java.util.Arrays.copyOf(whole, whole.length / 2));

        ImagerException e = readFails(ErrorKinds.CORRUPT, archive);

        assertThat(e.getMessage()).contains("truncated").contains(".zip");
    }

    @Test
    void testRead_gzipWithBadDataIsCorrupt() throws IOException {
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        garbage[0] = 0x1f;
        garbage[1] = (byte) 0x8b;
        garbage[2] = 8;
        garbage[3] = 0;
        Path archive = Files.write(temp.resolve("bad.tar.gz"), garbage);

        ImagerException e = readFails(ErrorKinds.CORRUPT, archive);

        assertThat(e.getMessage()).contains("damaged or truncated");
    }

    @Test
    void testRead_truncatedTarGzIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(tarGz(RealParts.sampleDir("hello"), ""));
        Path archive = Files.write(temp.resolve("truncated.tar.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));

        readFails(ErrorKinds.CORRUPT, archive);
    }

    @Test
    void testRead_nodeAppIsNotDotnet() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package.json", bytes("{\"name\": \"web\", \"main\": \"index.js\"}"));
        entries.put("index.js", bytes("console.log('hello');\n"));

        ImagerException e = readFails(ErrorKinds.NOT_DOTNET, zip("node.zip", entries));

        assertThat(e.getMessage()).contains("not a .NET app").contains("package.json")
                .contains("dotnet publish").contains("X.runtimeconfig.json").contains("X.dll");
    }

    @Test
    void testRead_aarch64LibraryIsWrongArchitecture() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("libnative.so", elfHeader(true, 183));

        ImagerException e = readFails(ErrorKinds.WRONG_ARCHITECTURE, zip("arm64.zip", entries));

        assertThat(e.getMessage()).contains("libnative.so").contains("AArch64").contains("linux-x64");
    }

    @Test
    void testRead_i386LibraryIsWrongArchitecture() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("runtimes/linux-x64/native/libold.so.1", elfHeader(false, 3));

        ImagerException e = readFails(ErrorKinds.WRONG_ARCHITECTURE, zip("i386.zip", entries));

        assertThat(e.getMessage()).contains("runtimes/linux-x64/native/libold.so.1").contains("i386").contains("32-bit");
    }

    @Test
    void testRead_soFileThatIsNotElfIsWrongArchitecture() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("libfake.so", bytes("not a library"));

        ImagerException e = readFails(ErrorKinds.WRONG_ARCHITECTURE, zip("fake.zip", entries));

        assertThat(e.getMessage()).contains("libfake.so").contains("not an ELF");
    }

    @Test
    void testRead_otherPlatformsAssetsOfAPortablePublishAreIgnored() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("runtimes/linux-arm64/native/libnative.so", elfHeader(true, 183));
        entries.put("runtimes/win-x86/native/native.dll", bytes("MZ"));
        entries.put("runtimes/linux-x64/native/System.Native.so",
                Files.readAllBytes(RealParts.runtime().frameworkDir().resolve("System.Native.so")));

        Bundle bundle = read(zip("portable.zip", entries));

        assertThat(bundle.files()).contains("runtimes/linux-arm64/native/libnative.so");
        assertThat(bundle.nativeLibraries()).containsExactly("runtimes/linux-x64/native/System.Native.so");
    }

    private Path target() {
        return temp.resolve("bundle");
    }

    private Bundle read(Path archive) {
        return reader.read(archive, target(), Optional.empty());
    }

    /** Asserts the read fails with {@code type} and leaves nothing behind: the target dir is gone again. */
    private ImagerException readFails(String type, Path archive) {
        ImagerException e = failure(type, () -> read(archive));
        assertThat(target()).doesNotExist();
        return e;
    }

    /** The hello sample's files, by name, in a map the test may change. */
    private static Map<String, byte[]> helloFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : HELLO_FILES) {
            files.put(name, Files.readAllBytes(RealParts.sampleDir("hello").resolve(name)));
        }
        return files;
    }

    /** Two apps side by side, as a solution published into one folder. */
    private static Map<String, byte[]> twoApps() throws IOException {
        Map<String, byte[]> hello = helloFiles();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String app : List.of("one", "two")) {
            entries.put(app + ".dll", hello.get("hello.dll"));
            entries.put(app + ".runtimeconfig.json", hello.get("hello.runtimeconfig.json"));
        }
        return entries;
    }

    /** Writes a zip of {@code entries} in order; a null content makes a directory entry. */
    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path archive = temp.resolve(name);
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
            for (var entry : entries.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
                if (entry.getValue() != null) {
                    zip.write(entry.getValue());
                }
                zip.closeArchiveEntry();
            }
        }
        return archive;
    }

    /** Writes a .tar.gz of every file in {@code dir}, each named {@code prefix + file name}. */
    private Path tarGz(Path dir, String prefix) throws IOException {
        Path archive = temp.resolve("bundle.tar.gz");
        try (TarArchiveOutputStream tar = newTarGz(archive); Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                putTarFile(tar, prefix + file.getFileName(), Files.readAllBytes(file));
            }
        }
        return archive;
    }

    private static void putTarFileUnchecked(TarArchiveOutputStream tar, String name, byte[] content) {
        try {
            putTarFile(tar, name, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void putZipFile(ZipArchiveOutputStream zip, String name, byte[] content) throws IOException {
        zip.putArchiveEntry(new ZipArchiveEntry(name));
        zip.write(content);
        zip.closeArchiveEntry();
    }

    /**
     * A minimal but valid ELF header of a shared library (ET_DYN) for {@code machine}: what the
     * architecture check reads (class, byte order, e_machine), as {@code readelf -h} shows it.
     */
    static byte[] elfHeader(boolean elf64, int machine) {
        ByteBuffer elf = ByteBuffer.allocate(elf64 ? 64 : 52).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (elf64 ? 2 : 1), 1, 1, 0});
        elf.position(16);
        elf.putShort((short) 3).putShort((short) machine).putInt(1);
        if (elf64) {
            elf.putLong(0).putLong(0).putLong(0).putInt(0);
            elf.putShort((short) 64).putShort((short) 56).putShort((short) 0).putShort((short) 64);
        } else {
            elf.putInt(0).putInt(0).putInt(0).putInt(0);
            elf.putShort((short) 52).putShort((short) 32).putShort((short) 0).putShort((short) 40);
        }
        elf.putShort((short) 0).putShort((short) 0);
        return elf.array();
    }

    /** Rewrites the uncompressed size the central directory gives {@code name}, as a lying archive would. */
    private static void patchCentralDirectorySize(Path archive, String name, int size) throws IOException {
        ByteBuffer zip = ByteBuffer.wrap(Files.readAllBytes(archive)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] wanted = bytes(name);
        for (int at = 0; at + 46 <= zip.limit(); at++) {
            if (zip.getInt(at) == 0x02014b50 && (zip.getShort(at + 28) & 0xffff) == wanted.length
                    && java.util.Arrays.equals(java.util.Arrays.copyOfRange(zip.array(), at + 46, at + 46 + wanted.length), wanted)) {
                zip.putInt(at + 24, size);
                Files.write(archive, zip.array());
                return;
            }
        }
        throw new IllegalStateException(name + " is not in " + archive);
    }

    private static TarArchiveOutputStream newTarGz(Path archive) throws IOException {
        OutputStream file = Files.newOutputStream(archive);
        return new TarArchiveOutputStream(new GzipCompressorOutputStream(file));
    }

    private static void putTarFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
