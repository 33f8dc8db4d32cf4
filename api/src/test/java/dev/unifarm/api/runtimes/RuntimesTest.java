package dev.unifarm.api.runtimes;

import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.TestFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;




/**
 * Runtimes side by side over HTTP: the provisioned CoreCLR 2.0.0 (read-only store) and the same runtime
 * re-labelled 2.0.9 and registered with {@code POST /api/v1/runtimes} (the tests' own store,
 * {@code target/test-runtimes}); apps roll forward to it, or not, as .NET would.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuntimesTest {

    private static final String FRAMEWORK = "Microsoft.NETCore.App";
    private static final String RELABEL = "2.0.9";
    private static final String PROVISIONED = "2.0.0";

    @TempDir
    static Path temp;

    /** An earlier, interrupted run may have left the re-labelled runtime in the tests' store. */
    @BeforeAll
    @AfterAll
    static void removeRelabelledRuntime() {
        TestFiles.deleteTree(testStore().resolve(FRAMEWORK).resolve(RELABEL));
    }

    @Test
    @Order(1)
    void testRegister_relabelledRuntimeIsListedAndHelloRollsForwardToItAndRuns() throws IOException {
        Path archive = relabelledRuntimeArchive(RELABEL);

        register(archive).then().log().ifValidationFails().statusCode(201)
                .header("Location", matchesPattern(".*/api/v1/runtimes/" + FRAMEWORK + "/" + RELABEL))
                .body("framework", equalTo(FRAMEWORK)).body("version", equalTo(RELABEL));

        api().get("/api/v1/runtimes").then().statusCode(200)
                .body("items", hasItem(Map.of("framework", FRAMEWORK, "version", PROVISIONED)))
                .body("items", hasItem(Map.of("framework", FRAMEWORK, "version", RELABEL)))
                .body("next", nullValue());
        api().get("/api/v1/runtimes/" + FRAMEWORK + "/" + RELABEL).then().statusCode(200).body("version", equalTo(RELABEL));
        assertThat(testStore().resolve(FRAMEWORK).resolve(RELABEL).resolve("shared").resolve(FRAMEWORK).resolve(RELABEL)
                .resolve("libcoreclr.so")).isRegularFile();

        String app = FarmClient.uniqueName("hello-rf");
        Response revision = FarmClient.readyRevision(app, "hello");
        assertThat(revision.<String>path("buildLog"))
                .contains("runtime: " + FRAMEWORK + " " + RELABEL + " (asked for 2.0.0, roll-forward Minor from default)");

        String id = FarmClient.startInstance(app);
        Response instance = FarmClient.awaitEnded(id);
        assertThat(FarmClient.console(id)).contains("Hello from Unifarm!\n");
        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Succeeded");
    }

    @Test
    @Order(2)
    void testRegister_sameVersionAgainIs409() throws IOException {
        expectProblem(register(relabelledRuntimeArchive(RELABEL)).then(), 409, "runtime-exists")
                .body("detail", containsString(FRAMEWORK + " " + RELABEL)).body("detail", containsString("already registered"));
    }

    @Test
    @Order(3)
    void testSpecRollForward_disableWinsAndKeepsTheExactVersion() {
        api().get("/api/v1/runtimes").then().body("items.version", hasItem(RELABEL)); // a newer patch is there to ignore
        String app = FarmClient.uniqueName("hello-exact");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"rollForward\": \"Disable\"}").post("/api/v1/apps").then().statusCode(201)
                .body("spec.rollForward", equalTo("Disable"));

        Response revision = FarmClient.awaitBuilt(app, 1);

        assertThat(revision.<String>path("state")).as(revision.asString()).isEqualTo("Ready");
        assertThat(revision.<String>path("buildLog")).contains(
                "runtime: " + FRAMEWORK + " " + PROVISIONED + " (asked for 2.0.0, roll-forward Disable from spec.rollForward)");
    }

    @Test
    @Order(4)
    void testUpload_noRuntimeUnderThePolicyFailsTheRevisionNamingIt() throws IOException {
        String app = FarmClient.uniqueName("wants-1-1");
        FarmClient.upload(app, FarmClient.helloAsking("1.1.0")).then().statusCode(201);

        Response revision = FarmClient.awaitBuilt(app, 1);

        assertThat(revision.<String>path("state")).as(revision.asString()).isEqualTo("Failed");
        assertThat(revision.<String>path("message")).contains(FRAMEWORK + " 1.1.0").contains("roll-forward Minor")
                .contains(PROVISIONED).contains(RELABEL);
        assertThat(revision.<String>path("buildLog")).contains("runtime: no match for " + FRAMEWORK + " 1.1.0 (roll-forward Minor");
    }

    @Test
    @Order(5)
    void testSpecRollForward_majorLetsA1xAppRunOn2x() throws IOException {
        String app = FarmClient.uniqueName("major");
        api().multiPart("name", app).multiPart("bundle", FarmClient.helloAsking("1.1.0").toFile())
                .multiPart("spec", "{\"rollForward\": \"major\"}").post("/api/v1/apps").then().statusCode(201);

        Response revision = FarmClient.awaitBuilt(app, 1);

        assertThat(revision.<String>path("state")).as(revision.asString()).isEqualTo("Ready");
        assertThat(revision.<String>path("buildLog"))
                .contains("runtime: " + FRAMEWORK + " " + RELABEL + " (asked for 1.1.0, roll-forward Major from spec.rollForward)");
    }

    @Test
    void testSpec_unknownRollForwardIs400() {
        String app = FarmClient.uniqueName("badrf");

        expectProblem(api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"rollForward\": \"Newest\"}").post("/api/v1/apps").then(), 400, "invalid-spec")
                .body("detail", containsString("Newest")).body("detail", containsString("LatestPatch"));
        api().get("/api/v1/apps/" + app).then().statusCode(404);
    }

    @Test
    void testRegister_notATarGzIs400() throws IOException {
        Path text = Files.writeString(temp.resolve("runtime.tar.gz"), "not an archive\n");

        expectProblem(register(text).then(), 400, "invalid-runtime").body("detail", containsString("gzip"))
                .body("detail", containsString("dotnet-runtime-<version>-linux-x64.tar.gz"));
    }

    @Test
    void testRegister_escapingEntryIs400AndWritesNothing() throws IOException {
        Path archive = temp.resolve("evil.tar.gz");
        try (TarArchiveOutputStream tar = tarGz(archive)) {
            putFile(tar, "./../../evil.txt", "x".getBytes(StandardCharsets.UTF_8), 0644);
        }

        expectProblem(register(archive).then(), 400, "invalid-runtime").body("detail", containsString("climbs out"));
        assertThat(testStore().resolve("evil.txt")).doesNotExist();
        assertThat(testStore().getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void testRegister_missingArchiveFieldIs400() {
        expectProblem(api().multiPart("other", "x").post("/api/v1/runtimes").then(), 400, "invalid-runtime")
                .body("detail", containsString("\"archive\""));
    }

    @Test
    void testGet_unknownRuntimeIs404() {
        api().get("/api/v1/runtimes/" + FRAMEWORK + "/9.9.9").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("https://unifarm.dev/problems/runtime-not-found"));
    }

    @Test
    void testRuntimes_needTheToken() {
        io.restassured.RestAssured.given().get("/api/v1/runtimes").then().statusCode(401);
    }

    private static Response register(Path archive) {
        return api().multiPart("archive", archive.toFile(), "application/gzip").post("/api/v1/runtimes");
    }

    private static ValidatableResponse expectProblem(ValidatableResponse response, int status, String kind) {
        return response.statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
                .body("type", equalTo("https://unifarm.dev/problems/" + kind));
    }

    /** The tests' own runtime store ({@code %test.unifarm.runtimes.dir}). */
    private static Path testStore() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.runtimes.dir", String.class)).toAbsolutePath();
    }

    /** The provisioned runtime store, read-only for the farm under test. */
    private static Path provisioned() {
        return Path.of(System.getProperty("test.parts.dir")).resolve("runtimes").resolve(FRAMEWORK).resolve(PROVISIONED);
    }

    /**
     * The provisioned CoreCLR 2.0.0 as Microsoft's dotnet-runtime-{@code version}-linux-x64.tar.gz would
     * lay it out ({@code ./dotnet}, {@code ./host/fxr/<v>/}, {@code ./shared/Microsoft.NETCore.App/<v>/}).
     */
    private static Path relabelledRuntimeArchive(String version) throws IOException {
        Path root = provisioned();
        Path archive = temp.resolve("dotnet-runtime-" + version + "-linux-x64.tar.gz");
        try (TarArchiveOutputStream tar = tarGz(archive); Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted().toList()) {
                String name = "./" + root.relativize(path).toString()
                        .replaceFirst("^host/fxr/" + PROVISIONED, "host/fxr/" + version)
                        .replaceFirst("^shared/" + FRAMEWORK + "/" + PROVISIONED, "shared/" + FRAMEWORK + "/" + version);
                if (Files.isDirectory(path)) {
                    TarArchiveEntry dir = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                    tar.putArchiveEntry(dir);
                    tar.closeArchiveEntry();
                } else {
                    putFile(tar, name, Files.readAllBytes(path), Files.isExecutable(path) ? 0755 : 0644);
                }
            }
        }
        return archive;
    }

    private static TarArchiveOutputStream tarGz(Path archive) throws IOException {
        GzipParameters fast = new GzipParameters();
        fast.setCompressionLevel(1);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(archive), fast));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        return tar;
    }

    private static void putFile(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(0100000 | mode);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
