package dev.unifarm.api.apps;

import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.imager.bundle.TestArchives;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.unifarm.api.testing.FarmClient.api;
import static dev.unifarm.imager.bundle.TestArchives.bytes;
import static dev.unifarm.imager.bundle.TestArchives.elfHeader;
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
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;


/**
 * Hostile and broken bundles over the real upload, {@code POST /api/v1/apps}: each is refused with a
 * 4xx {@code application/problem+json} of its own type and a detail saying what to fix, no app is
 * created, and nothing the upload wrote stays in the farm's scratch ({@code work/}), store temp
 * ({@code store/tmp/}), upload spool ({@code uploads/}) or blob store. The farm runs with its own
 * data dir and small caps (2 MiB uploads, 8 MiB unpacked, 100 entries) so the caps can be hit with
 * small archives.
 */
@QuarkusTest
@TestProfile(HostileUploadTest.SmallCaps.class)
class HostileUploadTest {

    static final long MAX_UPLOAD = 2L << 20;
    static final long MAX_BUNDLE = 8L << 20;
    static final int MAX_ENTRIES = 100;

    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "unifarm.data-dir", "./target/test-data-hostile",
                    "unifarm.builds.max-upload-bytes", Long.toString(MAX_UPLOAD),
                    "unifarm.builds.max-bundle-bytes", Long.toString(MAX_BUNDLE),
                    "unifarm.builds.max-bundle-entries", Integer.toString(MAX_ENTRIES));
        }
    }

    private static final String SELF_CONTAINED_CONFIG = "{\"runtimeOptions\": {\"tfm\": \"netcoreapp2.0\"}}";

    @TempDir
    Path temp;

    private Set<String> before;

    @BeforeEach
    void snapshotScratch() {
        before = scratchFiles();
    }

    @Test
    void testUpload_zipPathTraversalIsRefused() throws IOException {
        refused(helloZipWith("../../evil.txt", bytes("pwned")), "bundle-path-traversal", "../../evil.txt",
                "inside the publish folder");
    }

    @Test
    void testUpload_tarGzPathTraversalIsRefused() throws IOException {
        Path archive = helloTarGzWith(tar -> putTarFile(tar, "lib/../../../evil.txt", bytes("pwned")));

        refused(archive, "bundle-path-traversal", "lib/../../../evil.txt");
    }

    @Test
    void testUpload_zipAbsolutePathIsRefused() throws IOException {
        refused(helloZipWith("/etc/cron.d/evil", bytes("pwned")), "bundle-absolute-path", "/etc/cron.d/evil", "relative");
    }

    @Test
    void testUpload_tarGzAbsolutePathIsRefused() throws IOException {
        Path archive = helloTarGzWith(tar -> putTarFileVerbatim(tar, "/tmp/unifarm-hostile.txt", bytes("pwned")));

        refused(archive, "bundle-absolute-path", "/tmp/unifarm-hostile.txt");
        assertThat(Path.of("/tmp/unifarm-hostile.txt")).doesNotExist();
    }

    @Test
    void testUpload_zipSymlinkIsRefused() throws IOException {
        ZipArchiveEntry link = new ZipArchiveEntry("secrets");
        link.setUnixMode(UnixStat.LINK_FLAG | 0777);
        Path archive = TestArchives.zip(temp.resolve("link.zip"), zip -> {
            putZipFiles(zip, helloFiles());
            putZipEntry(zip, link, bytes("/etc/shadow"));
        });

        refused(archive, "bundle-link", "secrets", "symbolic link");
    }

    @Test
    void testUpload_tarGzSymlinkIsRefused() throws IOException {
        Path archive = helloTarGzWith(tar -> putTarLink(tar, TarArchiveEntry.LF_SYMLINK, "etc", "/etc"));

        refused(archive, "bundle-link", "etc", "symbolic link to /etc");
    }

    @Test
    void testUpload_tarGzHardlinkIsRefused() throws IOException {
        Path archive = helloTarGzWith(tar -> putTarLink(tar, TarArchiveEntry.LF_LINK, "passwd", "../../../../etc/passwd"));

        refused(archive, "bundle-link", "passwd", "hard link");
    }

    @Test
    void testUpload_tarGzDeviceIsRefused() throws IOException {
        refused(helloTarGzWith(tar -> putTarSpecial(tar, TarConstants.LF_BLK, "disk", 8, 0)), "bundle-special-file",
                "disk", "a device");
    }

    @Test
    void testUpload_tarGzFifoIsRefused() throws IOException {
        refused(helloTarGzWith(tar -> putTarSpecial(tar, TarConstants.LF_FIFO, "pipe", 8, 0)), "bundle-special-file",
                "pipe", "FIFO");
    }

    @Test
    void testUpload_zipBombIsRefused() throws IOException {
        Path archive = helloZipWith("zeros.bin", new byte[32 << 20]);
        assertThat(Files.size(archive)).isLessThan(MAX_UPLOAD);

        refused(archive, "bundle-bomb", "zeros.bin", "decompression bomb");
    }

    @Test
    void testUpload_unpackedSizeOverCapIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        for (int i = 0; i < 10; i++) {
            entries.put("data/part" + i + ".bin", new byte[1 << 20]); // each under the ratio floor
        }

        refused(zip(entries), "bundle-too-large", "more than " + MAX_BUNDLE + " bytes");
    }

    @Test
    void testUpload_tooManyEntriesIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        for (int i = 0; entries.size() <= MAX_ENTRIES; i++) {
            entries.put("assets/file" + i + ".txt", bytes("x"));
        }

        refused(zip(entries), "bundle-too-many-entries", "more than " + MAX_ENTRIES);
    }

    @Test
    void testUpload_overLongNameSegmentIsRefused() throws IOException {
        refused(helloZipWith("y".repeat(300), bytes("x")), "bundle-name-too-long", "at most 255 bytes");
    }

    @Test
    void testUpload_overLongNameIsRefused() throws IOException {
        String name = String.join("/", Collections.nCopies(8, "z".repeat(200)));

        refused(helloZipWith(name, bytes("x")), "bundle-name-too-long", "at most 1024 bytes");
    }

    @Test
    void testUpload_duplicateEntryIsRefused() throws IOException {
        Path archive = TestArchives.zip(temp.resolve("duplicate.zip"), zip -> {
            putZipFiles(zip, helloFiles());
            putZipFile(zip, "hello.runtimeconfig.json", bytes("{\"runtimeOptions\": {}}"));
        });

        refused(archive, "bundle-duplicate-entry", "hello.runtimeconfig.json", "twice");
    }

    @Test
    void testUpload_duplicateAfterNormalizationIsRefused() throws IOException {
        Path archive = helloTarGzWith(tar -> {
            putTarFile(tar, "a/b", bytes("first"));
            putTarFile(tar, "./a/b", bytes("second"));
        });

        refused(archive, "bundle-duplicate-entry", "\"a/b\" twice");
    }

    @Test
    void testUpload_overUploadCapIs413() throws IOException {
        byte[] noise = new byte[(int) MAX_UPLOAD + (1 << 20)];
        new Random(3).nextBytes(noise);
        Path big = Files.write(temp.resolve("big.zip"), noise);

        refused(big, 413, "upload-too-large")
                .body("detail", containsString("the request (Content-Length) is "))
                .body("detail", containsString("at most " + MAX_UPLOAD + " bytes"))
                .body("detail", containsString("unifarm.builds.max-upload-bytes"));
    }

    /** Without a Content-Length the body is spooled, then measured: still 413, and the spooled file is deleted. */
    @Test
    void testUpload_chunkedOverUploadCapIs413() throws IOException, InterruptedException {
        String app = FarmClient.uniqueName("hostile");
        String boundary = "unifarm-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + app + "\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"big.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] noise = new byte[(int) MAX_UPLOAD + (1 << 20)];
        new Random(4).nextBytes(noise);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = concat(head, noise, tail);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri() + "/api/v1/apps"))
                .header("Authorization", "Bearer " + FarmClient.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                // an InputStream publisher has no length, so the JDK client sends the body chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"type\":\"https://unifarm.dev/problems/upload-too-large\"")
                .contains("the uploaded bundle is " + noise.length + " bytes")
                .contains("at most " + MAX_UPLOAD + " bytes");
        assertNoApp(app);
        assertNoLeftovers();
    }

    @Test
    void testUpload_truncatedZipIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(FarmClient.sample("hello"));
        Path archive = Files.write(temp.resolve("truncated.zip"), Arrays.copyOf(whole, whole.length * 2 / 3));

        refused(archive, "bundle-corrupt", "truncated", "complete .zip");
    }

    @Test
    void testUpload_gzipWithBadDataIsCorrupt() throws IOException {
        byte[] archive = new byte[8192];
        new Random(5).nextBytes(archive);
        System.arraycopy(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 0, archive, 0, 4);

        refused(Files.write(temp.resolve("bad.tar.gz"), archive), "bundle-corrupt", "damaged or truncated", ".tar.gz");
    }

    @Test
    void testUpload_invalidRuntimeconfigJsonIsRefused() throws IOException {
        Path archive = helloZipWith("hello.runtimeconfig.json", bytes("{\"runtimeOptions\": {\"framework\": "));

        refused(archive, "invalid-runtimeconfig", "hello.runtimeconfig.json", "not valid JSON");
    }

    @Test
    void testUpload_missingEntrypointDllIsRefused() throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.remove("hello.dll");

        refused(zip(entries), "entrypoint-missing", "hello.dll", "complete dotnet publish output");
    }

    @Test
    void testUpload_nodeAppIsNotDotnet() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package.json", bytes("{\"name\": \"web\", \"main\": \"server.js\"}"));
        entries.put("server.js", bytes("require('http').createServer((q, s) => s.end('hi')).listen(8080);\n"));
        entries.put("node_modules/.package-lock.json", bytes("{}"));

        refused(zip(entries), "not-dotnet", "not a .NET app", "dotnet publish", "X.dll, X.runtimeconfig.json and X.deps.json");
    }

    @Test
    void testUpload_aarch64LibraryIsWrongArchitecture() throws IOException {
        refused(helloZipWith("libSkiaSharp.so", elfHeader(true, 183)), "wrong-architecture", "libSkiaSharp.so", "AArch64",
                "linux-x64");
    }

    @Test
    void testUpload_frameworklessConfigWithoutRuntimeIsRefused() throws IOException {
        refused(helloZipWith("hello.runtimeconfig.json", bytes(SELF_CONTAINED_CONFIG)), "invalid-bundle",
                "neither framework-dependent nor self-contained", "libcoreclr.so");
    }

    // --- the upload and what it must leave behind ---

    /** Uploads {@code bundle} as a fresh app: refused with 400 and {@code type}, the detail naming each of {@code detailParts}. */
    private void refused(Path bundle, String type, String... detailParts) {
        ValidatableResponse response = refused(bundle, 400, type);
        for (String part : detailParts) {
            response.body("detail", containsString(part));
        }
    }

    /** Uploads {@code bundle} as a fresh app; asserts the problem, that no app exists, and no leftovers. */
    private ValidatableResponse refused(Path bundle, int status, String type) {
        String app = FarmClient.uniqueName("hostile");
        ValidatableResponse response = FarmClient.upload(app, bundle).then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo("https://unifarm.dev/problems/" + type))
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
        assertNoApp(app);
        assertNoLeftovers();
        return response;
    }

    private static void assertNoApp(String app) {
        api().get("/api/v1/apps/" + app).then().statusCode(404).contentType("application/problem+json");
    }

    /** Nothing new under work/, store/tmp/, uploads/ or store/blobs/ (the spool file goes when the request ends). */
    private void assertNoLeftovers() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(scratchFiles()).as("files the refused upload left behind").isSubsetOf(before));
    }

    private static Set<String> scratchFiles() {
        Path data = Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class));
        Set<String> files = new TreeSet<>();
        for (String dir : List.of("work", "store/tmp", "uploads", "store/blobs")) {
            Path root = data.resolve(dir);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(p -> !p.equals(root)).forEach(p -> files.add(data.relativize(p).toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    private static String baseUri() {
        return io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port;
    }

    // --- archives ---

    private static Map<String, byte[]> helloFiles() throws IOException {
        return TestArchives.helloFiles(FarmClient.sample("hello").resolveSibling("hello"));
    }

    /** The hello sample zipped with one more entry. */
    private Path helloZipWith(String name, byte[] content) throws IOException {
        Map<String, byte[]> entries = helloFiles();
        entries.put(name, content);
        return zip(entries);
    }

    private Path zip(Map<String, byte[]> entries) throws IOException {
        return TestArchives.zip(temp.resolve(UUID.randomUUID() + ".zip"), entries);
    }

    /** The hello sample as a .tar.gz, then what {@code extra} writes. */
    private Path helloTarGzWith(TestArchives.TarWriter extra) throws IOException {
        return tarGz(temp.resolve(UUID.randomUUID() + ".tar.gz"), tar -> {
            putTarFiles(tar, helloFiles());
            extra.write(tar);
        });
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }
}
