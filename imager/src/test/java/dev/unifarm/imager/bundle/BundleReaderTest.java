package dev.unifarm.imager.bundle;

import static dev.unifarm.imager.ImagerFailures.failure;
import static dev.unifarm.imager.bundle.TestArchives.HELLO_FILES;
import static dev.unifarm.imager.bundle.TestArchives.bytes;
import static dev.unifarm.imager.bundle.TestArchives.elfHeader;
import static dev.unifarm.imager.bundle.TestArchives.helloFiles;
import static dev.unifarm.imager.bundle.TestArchives.putTarFile;
import static dev.unifarm.imager.bundle.TestArchives.putTarFileVerbatim;
import static dev.unifarm.imager.bundle.TestArchives.putTarFiles;
import static dev.unifarm.imager.bundle.TestArchives.putTarLink;
import static dev.unifarm.imager.bundle.TestArchives.putTarSpecial;
import static dev.unifarm.imager.bundle.TestArchives.putZipEntry;
import static dev.unifarm.imager.bundle.TestArchives.putZipFile;
import static dev.unifarm.imager.bundle.TestArchives.putZipFiles;
import static dev.unifarm.imager.bundle.TestArchives.tarGz;
import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleReaderTest {

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
        Path tarGz = tarGzOf(RealParts.sampleDir("hello"), "");

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
        Bundle bundle = read(tarGzOf(RealParts.sampleDir("hello"), "publish/"));

        assertThat(bundle.root()).isEqualTo(target().resolve("publish"));
        assertThat(bundle.files()).isEqualTo(HELLO_FILES);
    }

    @Test
    void testRead_notAnArchive() throws IOException {
        Path notArchive = Files.writeString(temp.resolve("hello.zip"), "this is plain text, not an archive");

        assertRefused(ErrorKinds.INVALID, notArchive, "zip", "tar.gz");
    }

    @Test
    void testRead_zipWithoutRuntimeconfig() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.runtimeconfig.json");

        assertRefused(ErrorKinds.INVALID, zip("no-config.zip", entries), "runtimeconfig.json", "dotnet publish");
    }

    @Test
    void testRead_runtimeconfigWithoutDll() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.dll");

        assertRefused(ErrorKinds.ENTRYPOINT_MISSING, zip("no-dll.zip", entries), "hello.dll", "hello.runtimeconfig.json");
    }

    @Test
    void testRead_zipEntryEscapingTargetIsRefused() throws IOException {
        assertRefused(ErrorKinds.PATH_TRAVERSAL, helloZipWith("../evil.txt", bytes("pwned")), "../evil.txt");
        assertThat(target().getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRead_tarGzEntryEscapingTargetIsRefused() throws IOException {
        Path archive = tarGz(temp.resolve("evil.tar.gz"), tar -> {
            putTarFile(tar, "hello.dll", bytes("x"));
            putTarFile(tar, "sub/../../evil.txt", bytes("pwned"));
        });

        assertRefused(ErrorKinds.PATH_TRAVERSAL, archive, "evil.txt", "..");
        assertThat(target().getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRead_tarGzSymlinkIsRefused() throws IOException {
        Path archive = tarGz(temp.resolve("link.tar.gz"),
                tar -> putTarLink(tar, TarArchiveEntry.LF_SYMLINK, "hello.dll", "/etc/passwd"));

        assertRefused(ErrorKinds.LINK, archive, "hello.dll", "symbolic link", "/etc/passwd");
    }

    @Test
    void testRead_tarGzHardLinkIsRefused() throws IOException {
        Path archive = tarGz(temp.resolve("hardlink.tar.gz"), tar -> {
            putTarFile(tar, "hello.runtimeconfig.json", bytes("{}"));
            putTarLink(tar, TarArchiveEntry.LF_LINK, "hello.dll", "hello.runtimeconfig.json");
        });

        assertThat(readFails(ErrorKinds.LINK, archive).getMessage()).contains("hello.dll").contains("hard link");
    }

    @Test
    void testRead_absoluteEntryIsRefused() throws IOException {
        assertRefused(ErrorKinds.ABSOLUTE_PATH, helloZipWith("/etc/x", bytes("pwned")), "/etc/x");
    }

    @Test
    void testRead_zipSymlinkIsRefused() throws IOException {
        ZipArchiveEntry link = new ZipArchiveEntry("hello.dll");
        link.setUnixMode(UnixStat.LINK_FLAG | 0777);
        Path archive = TestArchives.zip(temp.resolve("link.zip"), zip -> putZipEntry(zip, link, bytes("/etc/passwd")));

        assertRefused(ErrorKinds.LINK, archive, "symbolic link", "hello.dll");
    }

    @Test
    void testRead_twoRuntimeconfigsWithoutEntrypoint() throws IOException {
        assertRefused(ErrorKinds.ENTRYPOINT_AMBIGUOUS, zip("two.zip", twoApps()),
                "spec.entrypoint", "one.runtimeconfig.json", "two.runtimeconfig.json");
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
        assertRefused(ErrorKinds.INVALID_RUNTIMECONFIG, helloZipWith("hello.runtimeconfig.json", bytes("<xml>not json</xml>")),
                "hello.runtimeconfig.json", "JSON");
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
        Path tarGz = tarGz(temp.resolve("self-contained.tar.gz"), tar -> putTarFiles(tar, entries));

        Bundle fromZip = reader.read(zip, temp.resolve("from-zip"), Optional.empty());
        Bundle fromTar = reader.read(tarGz, temp.resolve("from-tar"), Optional.empty());

        assertThat(fromZip.selfContained()).isTrue();
        assertThat(fromZip.files()).hasSize(entries.size()).isEqualTo(fromTar.files());
        assertThat(fromZip.nativeLibraries()).contains("libcoreclr.so", "System.Native.so");
    }

    @Test
    void testRead_zipEntryClimbingOutOfASubfolderIsRefused() throws IOException {
        assertRefused(ErrorKinds.PATH_TRAVERSAL, helloZipWith("sub/../../evil.txt", bytes("pwned")), "sub/../../evil.txt");
        assertThat(temp.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRead_zipEntryWithBackslashTraversalIsRefused() throws IOException {
        assertRefused(ErrorKinds.PATH_TRAVERSAL, helloZipWith("..\\evil.txt", bytes("pwned")), "evil.txt", "..");
    }

    @Test
    void testRead_tarGzAbsoluteEntryIsRefused() throws IOException {
        Path archive = tarGz(temp.resolve("absolute.tar.gz"), tar -> {
            putTarFile(tar, "hello.dll", bytes("x"));
            putTarFileVerbatim(tar, "/tmp/unifarm-evil.txt", bytes("pwned"));
        });

        assertRefused(ErrorKinds.ABSOLUTE_PATH, archive, "/tmp/unifarm-evil.txt");
        assertThat(Path.of("/tmp/unifarm-evil.txt")).doesNotExist();
    }

    @Test
    void testRead_windowsDrivePathIsRefused() throws IOException {
        assertRefused(ErrorKinds.ABSOLUTE_PATH, helloZipWith("C:/Windows/evil.txt", bytes("pwned")), "C:/Windows/evil.txt");
    }

    @Test
    void testRead_tarGzSymlinkToParentFolderIsRefused() throws IOException {
        Path archive = tarGz(temp.resolve("link.tar.gz"), tar -> {
            putTarFiles(tar, helloFiles());
            putTarLink(tar, TarArchiveEntry.LF_SYMLINK, "escape", "../../..");
        });

        assertRefused(ErrorKinds.LINK, archive, "escape", "../../..");
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
    void testRead_tarGzDeviceOrFifoIsRefused(byte type) throws IOException {
        Path archive = tarGz(temp.resolve("device.tar.gz"), tar -> {
            putTarFiles(tar, helloFiles());
            putTarSpecial(tar, type, "dev/thing", 1, 3);
        });

        ImagerException e = readFails(ErrorKinds.SPECIAL_FILE, archive);

        assertThat(e.getMessage()).contains("dev/thing").containsAnyOf("device", "FIFO");
    }

    @Test
    void testRead_zipFifoEntryIsRefused() throws IOException {
        ZipArchiveEntry fifo = new ZipArchiveEntry("pipe");
        fifo.setUnixMode(0010000 | 0644);
        Path archive = TestArchives.zip(temp.resolve("fifo.zip"), zip -> putZipEntry(zip, fifo, null));

        assertRefused(ErrorKinds.SPECIAL_FILE, archive, "pipe");
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
        Path archive = tarGz(temp.resolve("bomb.tar.gz"), tar -> {
            putTarFiles(tar, helloFiles());
            putTarFile(tar, "zeros.bin", new byte[16 << 20]);
        });

        assertRefused(ErrorKinds.BOMB, archive, "100 times");
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

        assertRefused(ErrorKinds.CORRUPT, archive, "data.bin", "1000");
    }

    @Test
    void testRead_tarGzLargerThanMaxBytes() throws IOException {
        Path archive = tarGzOf(RealParts.sampleDir("hello"), "");

        ImagerException e = failure(ErrorKinds.TOO_LARGE,
                () -> new BundleReader(1024, 100).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("1024 bytes");
        assertThat(target()).doesNotExist();
    }

    @Test
    void testRead_tarGzWithMoreEntriesThanMaxEntries() throws IOException {
        Path archive = tarGzOf(RealParts.sampleDir("hello"), "");

        ImagerException e = failure(ErrorKinds.TOO_MANY_ENTRIES,
                () -> new BundleReader(1 << 20, 2).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("more than 2 entries");
        assertThat(target()).doesNotExist();
    }

    @Test
    void testRead_nameSegmentOver255BytesIsRefused() throws IOException {
        assertRefused(ErrorKinds.NAME_TOO_LONG, helloZipWith("x".repeat(252) + ".dll", bytes("x")), "256 bytes", "255");
    }

    @Test
    void testRead_nameOver1024BytesIsRefused() throws IOException {
        String name = String.join("/", java.util.Collections.nCopies(5, "d".repeat(250))) + "/x.dll";
        Path archive = tarGz(temp.resolve("long.tar.gz"), tar -> {
            putTarFiles(tar, helloFiles());
            putTarFile(tar, name, bytes("x"));
        });

        assertRefused(ErrorKinds.NAME_TOO_LONG, archive, name.length() + " bytes", "1024");
    }

    @Test
    void testRead_controlCharacterInNameIsRefused() throws IOException {
        assertRefused(ErrorKinds.UNSAFE_NAME, helloZipWith("bad\nname.dll", bytes("x")), "control characters");
    }

    @Test
    void testRead_zipDuplicateEntryIsRefused() throws IOException {
        Path archive = TestArchives.zip(temp.resolve("duplicate.zip"), zip -> {
            putZipFiles(zip, helloFiles());
            putZipFile(zip, "hello.dll", bytes("second copy"));
        });

        assertRefused(ErrorKinds.DUPLICATE_ENTRY, archive, "hello.dll", "twice");
    }

    @Test
    void testRead_tarGzDuplicateAfterNormalizationIsRefused() throws IOException {
        Path archive = tarGz(temp.resolve("duplicate.tar.gz"), tar -> {
            putTarFiles(tar, helloFiles());
            putTarFile(tar, "lib/a.dll", bytes("first"));
            putTarFile(tar, "./lib//a.dll", bytes("second"));
        });

        assertRefused(ErrorKinds.DUPLICATE_ENTRY, archive, "lib/a.dll", "twice");
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

        assertRefused(ErrorKinds.DUPLICATE_ENTRY, zip("conflict.zip", entries), "lib", "both as a file and as a folder");
    }

    @Test
    void testRead_truncatedZipIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(RealParts.sample("hello"));
        Path archive = Files.write(temp.resolve("truncated.zip"), java.util.Arrays.copyOf(whole, whole.length / 2));

        assertRefused(ErrorKinds.CORRUPT, archive, "truncated", ".zip");
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

        assertRefused(ErrorKinds.CORRUPT, archive, "damaged or truncated");
    }

    @Test
    void testRead_truncatedTarGzIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(tarGzOf(RealParts.sampleDir("hello"), ""));
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
        assertRefused(ErrorKinds.WRONG_ARCHITECTURE, helloZipWith("libnative.so", elfHeader(true, 183)),
                "libnative.so", "AArch64", "linux-x64");
    }

    @Test
    void testRead_i386LibraryIsWrongArchitecture() throws IOException {
        assertRefused(ErrorKinds.WRONG_ARCHITECTURE, helloZipWith("runtimes/linux-x64/native/libold.so.1", elfHeader(false, 3)),
                "runtimes/linux-x64/native/libold.so.1", "i386", "32-bit");
    }

    @Test
    void testRead_soFileThatIsNotElfIsWrongArchitecture() throws IOException {
        assertRefused(ErrorKinds.WRONG_ARCHITECTURE, helloZipWith("libfake.so", bytes("not a library")),
                "libfake.so", "not an ELF");
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

    /** Asserts the read fails with {@code type}, leaving nothing behind, and its message names each of {@code messageParts}. */
    private void assertRefused(String type, Path archive, String... messageParts) {
        assertThat(readFails(type, archive).getMessage()).contains(messageParts);
    }

    /** Asserts the read fails with {@code type} and leaves nothing behind: the target dir is gone again. */
    private ImagerException readFails(String type, Path archive) {
        ImagerException e = failure(type, () -> read(archive));
        assertThat(target()).doesNotExist();
        return e;
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

    /** The hello sample zipped with one more entry. */
    private Path helloZipWith(String name, byte[] content) throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put(name, content);
        return zip("hello-with.zip", entries);
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        return TestArchives.zip(temp.resolve(name), entries);
    }

    /** Writes a .tar.gz of every file in {@code dir}, each named {@code prefix + file name}. */
    private Path tarGzOf(Path dir, String prefix) throws IOException {
        return tarGz(temp.resolve("bundle.tar.gz"), tar -> {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    putTarFile(tar, prefix + file.getFileName(), Files.readAllBytes(file));
                }
            }
        });
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
}
