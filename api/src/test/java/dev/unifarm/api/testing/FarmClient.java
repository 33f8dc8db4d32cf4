package dev.unifarm.api.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.microprofile.config.ConfigProvider;

/** What a user does with curl, as test steps: everything goes over HTTP with the farm's token. */
public final class FarmClient {

    public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    private FarmClient() {
    }

    /** The token the farm generated into its data dir at start-up. */
    public static String token() {
        try {
            return Files.readString(tokenFile()).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path tokenFile() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class)).resolve("api-token");
    }

    public static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + token());
    }

    /** A name no earlier run used: the test data dir outlives runs until {@code mvn clean}. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Path sample(String name) {
        Path zip = Path.of(System.getProperty("test.samples.dir", "../target/samples")).resolve(name + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: samples/build runs in generate-test-resources");
        }
        return zip;
    }

    public static Response upload(String name, Path bundle) {
        return api().multiPart("name", name).multiPart("bundle", bundle.toFile()).when().post("/api/v1/apps");
    }

    /** Waits until the revision has left Pending/Building and returns its final JSON. */
    public static Response awaitBuilt(String app, int revision) {
        String path = "/api/v1/apps/" + app + "/revisions/" + revision;
        await().atMost(BUILD_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> List.of("Ready", "Failed").contains(api().get(path).path("state")));
        return api().get(path);
    }

    /** Uploads {@code sample} as a new app named {@code prefix-…}, asserts its first revision built Ready, returns its name. */
    public static String readyApp(String prefix, String sample) {
        String app = uniqueName(prefix);
        readyRevision(app, sample);
        return app;
    }

    /** Uploads {@code sample} as {@code app}; asserts revision 1 built Ready and returns it. */
    public static Response readyRevision(String app, String sample) {
        upload(app, sample(sample)).then().statusCode(201);
        return awaitReady(app);
    }

    /** Uploads {@code sample} with the app spec {@code spec} (JSON) as {@code app}; asserts revision 1 built Ready and returns it. */
    public static Response readyRevision(String app, String sample, String spec) {
        api().multiPart("name", app).multiPart("bundle", sample(sample).toFile()).multiPart("spec", spec, "application/json")
                .post("/api/v1/apps").then().statusCode(201);
        return awaitReady(app);
    }

    private static Response awaitReady(String app) {
        Response built = awaitBuilt(app, 1);
        assertThat(built.<String>path("state")).as(built.asString()).isEqualTo("Ready");
        return built;
    }

    public static String startInstance(String app) {
        return api().contentType("application/json").body("{}").post("/api/v1/apps/" + app + "/instances")
                .then().statusCode(201).extract().path("id");
    }

    /** Waits until the instance has ended and returns its final JSON. */
    public static Response awaitEnded(String id) {
        String path = "/api/v1/instances/" + id;
        await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> List.of("Succeeded", "Failed", "Stopped").contains(api().get(path).path("state")));
        return api().get(path);
    }

    public static String console(String id) {
        return api().get("/api/v1/instances/" + id + "/console").then().statusCode(200).extract().asString();
    }

    /** The hello sample with a runtimeconfig asking for {@code version} of the framework: no store has 9.9.0 or 1.1.0. */
    public static Path helloAsking(String version) throws IOException {
        Path zip = Files.createTempFile("hello-" + version + "-", ".zip");
        zip.toFile().deleteOnExit();
        Path hello = sample("hello").resolveSibling("hello");
        String config = """
                {"runtimeOptions": {"tfm": "netcoreapp2.0",
                  "framework": {"name": "Microsoft.NETCore.App", "version": "%s"}}}""".formatted(version);
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("hello.dll"));
            out.write(Files.readAllBytes(hello.resolve("hello.dll")));
            out.putNextEntry(new ZipEntry("hello.runtimeconfig.json"));
            out.write(config.getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("hello.deps.json"));
            out.write(Files.readAllBytes(hello.resolve("hello.deps.json")));
        }
        return zip;
    }
}
