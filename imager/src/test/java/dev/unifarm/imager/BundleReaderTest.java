package dev.unifarm.imager;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
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
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

        ImagerException e = readFails(notArchive);

        assertThat(e.getMessage()).contains("zip").contains("tar.gz");
    }

    @Test
    void testRead_zipWithoutRuntimeconfig() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.runtimeconfig.json");

        ImagerException e = readFails(zip("no-config.zip", entries));

        assertThat(e.getMessage()).contains("runtimeconfig.json").contains("dotnet publish");
    }

    @Test
    void testRead_runtimeconfigWithoutDll() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.dll");

        ImagerException e = readFails(zip("no-dll.zip", entries));

        assertThat(e.getMessage()).contains("hello.dll");
    }

    @Test
    void testRead_zipEntryEscapingTargetIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("../evil.txt", bytes("pwned"));

        ImagerException e = readFails(zip("evil.zip", entries));

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

        ImagerException e = readFails(archive);

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

        ImagerException e = readFails(archive);

        assertThat(e.getMessage()).contains("hello.dll").contains("link or device");
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

        assertThat(readFails(archive).getMessage()).contains("link or device");
    }

    @Test
    void testRead_absoluteEntryIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("/etc/x", bytes("pwned"));

        ImagerException e = readFails(zip("absolute.zip", entries));

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

        ImagerException e = readFails(archive);

        assertThat(e.getMessage()).contains("symbolic link").contains("hello.dll");
    }

    @Test
    void testRead_twoRuntimeconfigsWithoutEntrypoint() throws IOException {
        ImagerException e = readFails(zip("two.zip", twoApps()));

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

        ImagerException e = failure(BundleReader.INVALID,
                () -> reader.read(archive, target(), Optional.of("missing.dll")));

        assertThat(e.getMessage()).contains("missing.dll").contains("hello.runtimeconfig.json");
    }

    @Test
    void testRead_bundleLargerThanMaxBytes() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("big.bin", new byte[2048]);
        Path archive = zip("big.zip", entries);

        ImagerException e = failure(BundleReader.INVALID,
                () -> new BundleReader(1024, 100).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("1024 bytes");
    }

    @Test
    void testRead_moreEntriesThanMaxEntries() throws IOException {
        Path archive = RealParts.sample("hello");

        ImagerException e = failure(BundleReader.INVALID,
                () -> new BundleReader(1 << 20, 2).read(archive, target(), Optional.empty()));

        assertThat(e.getMessage()).contains("more than 2 entries");
    }

    @Test
    void testRead_runtimeconfigNotJson() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("hello.runtimeconfig.json", bytes("<xml>not json</xml>"));

        ImagerException e = readFails(zip("bad-config.zip", entries));

        assertThat(e.getMessage()).contains("hello.runtimeconfig.json").contains("JSON");
    }

    @Test
    void testRead_selfContainedRuntimeconfig() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put("hello.runtimeconfig.json", bytes(SELF_CONTAINED_CONFIG));

        Bundle bundle = read(zip("self-contained.zip", entries));

        assertThat(bundle.runtimeConfig().frameworkDependent()).isFalse();
        assertThat(bundle.runtimeConfig().frameworkName()).isNull();
        assertThat(bundle.runtimeConfig().frameworkVersion()).isNull();
    }

    private Path target() {
        return temp.resolve("bundle");
    }

    private Bundle read(Path archive) {
        return reader.read(archive, target(), Optional.empty());
    }

    private ImagerException readFails(Path archive) {
        return failure(BundleReader.INVALID, () -> read(archive));
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
