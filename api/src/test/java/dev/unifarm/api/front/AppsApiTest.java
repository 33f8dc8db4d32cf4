package dev.unifarm.api.front;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.StandInKernels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;


/** PUT spec, DELETE app, revision pages and build events, over HTTP with real builds and QEMU. */
@QuarkusTest
class AppsApiTest {

    private static final Pattern BUNDLE_LINE = Pattern.compile("bundle: (sha256:[0-9a-f]{64})");

    @Test
    void testPutSpec_aChangedSpecBuildsANewRevisionFromTheLatestBundle() throws Exception {
        String app = FarmClient.uniqueName("respec");
        Response first = FarmClient.readyRevision(app, "hello");

        api().contentType("application/json").body("{\"args\": [\"from-spec\"]}").put("/api/v1/apps/" + app + "/spec")
                .then().statusCode(200).body("latestRevision", equalTo(2)).body("spec.args", contains("from-spec"));
        List<String> events;
        try (StreamClient stream = StreamClient.open("/api/v1/apps/" + app + "/revisions/2/events", "text/event-stream")) {
            assertThat(stream.response().headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            events = stream.readToEnd();
        }
        assertThat(events.get(0)).isEqualTo("event: state");
        assertThat(events).contains("event: log", "data: kernel profile: linux");
        assertThat(events.get(events.size() - 3)).isEqualTo("event: state");
        assertThat(events.get(events.size() - 2)).startsWith("data: {\"state\":\"Ready\"");

        Response second = api().get("/api/v1/apps/" + app + "/revisions/2");
        assertThat(second.<String>path("state")).isEqualTo("Ready");
        assertThat(bundleDigest(second)).as("built from the latest revision's bundle").isEqualTo(bundleDigest(first));
        String id = FarmClient.startInstance(app);
        assertThat(FarmClient.awaitEnded(id).<String>path("state")).isEqualTo("Succeeded");
        assertThat(FarmClient.console(id)).contains("args: [from-spec]");

        api().contentType("application/json").body("{\"args\": [\"from-spec\"]}").put("/api/v1/apps/" + app + "/spec")
                .then().statusCode(200).body("latestRevision", equalTo(2));
    }

    @Test
    void testPutSpec_badSpecsAreRefusedAndChangeNothing() {
        String app = FarmClient.uniqueName("badspec");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        String spec = "/api/v1/apps/" + app + "/spec";

        api().contentType("application/json").body("{\"memoryMiB\": 1}").put(spec).then().statusCode(400)
                .contentType("application/problem+json").body("type", endsWith("/invalid-spec"))
                .body("detail", containsString("memoryMiB"));
        api().contentType("application/json").body("{\"colour\": \"blue\"}").put(spec).then().statusCode(400)
                .body("detail", containsString("unknown field \"colour\""));
        api().contentType("application/json").body("{\"entrypoint\": \"nope.dll\"}").put(spec).then().statusCode(400)
                .body("type", endsWith("/entrypoint-missing"));
        api().contentType("application/json").body("").put(spec).then().statusCode(400).body("type", endsWith("/invalid-spec"));
        api().get("/api/v1/apps/" + app).then().body("latestRevision", equalTo(1));

        api().contentType("application/json").body("{}").put("/api/v1/apps/" + FarmClient.uniqueName("nobody") + "/spec")
                .then().statusCode(404).contentType("application/problem+json").body("type", endsWith("/app-not-found"));
    }

    @Test
    void testBuildEvents_aFailedBuildEndsFailedWithItsReason() throws Exception {
        String app = FarmClient.uniqueName("failbuild");
        // A stand-in for the unikraft-elfloader kernel: hello's non-PIE host cannot run from its initrd, the build fails.
        StandInKernels.install("unikraft-elfloader");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"unikraft-elfloader\"}").post("/api/v1/apps").then().statusCode(201);
        List<String> events;
        try (StreamClient stream = StreamClient.open("/api/v1/apps/" + app + "/revisions/1/events", "text/event-stream")) {
            events = stream.readToEnd();
        }
        assertThat(events).contains("data: kernel profile: unikraft-elfloader");
        assertThat(events.get(events.size() - 2)).startsWith("data: {\"state\":\"Failed\",\"message\":\"").contains("kernel");
        String message = api().get("/api/v1/apps/" + app + "/revisions/1").path("message");
        assertThat(events.get(events.size() - 2)).contains(message.substring(0, Math.min(40, message.length())));

        api().get("/api/v1/apps/" + app + "/revisions/9/events").then().statusCode(404).body("type", endsWith("/revision-not-found"));
    }

    @Test
    void testRevisions_arePaged() {
        String app = FarmClient.uniqueName("pages");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        String revisions = "/api/v1/apps/" + app + "/revisions";

        api().get(revisions + "?limit=2").then().statusCode(200).body("items.number", contains(1, 2)).body("next", equalTo("2"));
        api().get(revisions + "?limit=2&after=2").then().statusCode(200).body("items.number", contains(3)).body("next", nullValue());
        api().get(revisions).then().statusCode(200).body("items.number", contains(1, 2, 3)).body("next", nullValue());
        api().get(revisions + "?after=two").then().statusCode(400).body("type", endsWith("/invalid-cursor"));
        api().get(revisions + "?limit=0").then().statusCode(400).body("type", endsWith("/invalid-limit"));
        api().get("/api/v1/apps/" + FarmClient.uniqueName("nobody") + "/revisions").then().statusCode(404);
    }

    @Test
    void testDelete_stopsInstancesAndRemovesOnlyWhatNoOtherAppUses() throws Exception {
        String first = FarmClient.uniqueName("deleted");
        String second = FarmClient.uniqueName("kept");
        // A bundle (and so an initrd) no other app in the test data dir has: only these two share it.
        Path bundle = uniqueTicker(first);
        FarmClient.upload(first, bundle).then().statusCode(201);
        FarmClient.upload(second, bundle).then().statusCode(201);
        Response built = FarmClient.awaitBuilt(first, 1);
        assertThat(built.<String>path("state")).as(built.asString()).isEqualTo("Ready");
        assertThat(FarmClient.awaitBuilt(second, 1).<String>path("state")).isEqualTo("Ready");
        List<Path> files = imageFiles(built);
        assertThat(files).allSatisfy(file -> assertThat(file).exists());
        String id = FarmClient.startInstance(first);
        await().atMost(FarmClient.RUN_TIMEOUT)
                .until(() -> List.of("Running", "Failed").contains(api().get("/api/v1/instances/" + id).path("state")));
        assertThat(api().get("/api/v1/instances/" + id).<String>path("state")).isEqualTo("Running");
        Path instanceDir = dataDir().resolve("instances").resolve(id);
        assertThat(instanceDir).isDirectory();

        api().delete("/api/v1/apps/" + first).then().statusCode(200).body("app", equalTo(first))
                .body("stoppedInstances", contains(id));

        api().get("/api/v1/apps/" + first).then().statusCode(404).body("type", endsWith("/app-not-found"));
        api().get("/api/v1/instances/" + id).then().statusCode(404);
        api().get("/api/v1/instances?app=" + first).then().statusCode(200).body("items", empty());
        assertThat(instanceDir).doesNotExist();
        assertThat(files).as("the same bundle and spec: the other app still uses them").allSatisfy(file -> assertThat(file).exists());
        assertThat(imageFiles(FarmClient.awaitBuilt(second, 1))).isEqualTo(files);

        api().delete("/api/v1/apps/" + second).then().statusCode(200).body("stoppedInstances", empty());
        assertThat(files).as("no app uses them any more").allSatisfy(file -> assertThat(file).doesNotExist());
        api().delete("/api/v1/apps/" + second).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void testConsole_followIsChunkedTextAndEventsByAccept() throws Exception {
        String app = FarmClient.readyApp("stream", "ticker");
        String id = FarmClient.startInstance(app);
        String console = "/api/v1/instances/" + id + "/console";
        try {
            followAsTextThenAsEvents(id, console);
        } finally {
            api().delete("/api/v1/apps/" + app);
        }
    }

    private static void followAsTextThenAsEvents(String id, String console) throws Exception {

        try (StreamClient text = StreamClient.open(console + "?follow=true", "*/*")) {
            assertThat(text.response().headers().firstValue("transfer-encoding")).hasValue("chunked");
            assertThat(text.response().headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            assertThat(text.readUntil(line -> line.contains("ticker: tick 1"))).contains("ticker: tick 1");
        }
        assertThat(api().get("/api/v1/instances/" + id).<String>path("state")).as("streamed while it runs").isEqualTo("Running");

        try (StreamClient events = StreamClient.open(console, "text/event-stream")) {
            assertThat(events.response().headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(events.readUntil(line -> line.startsWith("data: ticker: tick"))).matches("data: ticker: tick \\d+");
            api().delete("/api/v1/instances/" + id).then().statusCode(200).body("state", equalTo("Stopped"));
            List<String> rest = events.readToEnd();
            assertThat(rest.subList(rest.size() - 3, rest.size())).containsExactly("event: end", "data: Stopped", "");
            assertThat(rest).allSatisfy(line -> assertThat(line).matches("(data: .*|event: end|)"));
        }
    }

    /** The ticker sample plus one file naming the test: a bundle digest of its own. */
    private static Path uniqueTicker(String marker) throws Exception {
        Path zip = Files.createTempFile("ticker-", ".zip");
        try (ZipFile in = new ZipFile(FarmClient.sample("ticker").toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("marker.txt"));
            out.write(marker.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        zip.toFile().deleteOnExit();
        return zip;
    }

    private static String bundleDigest(Response revision) {
        Matcher matcher = BUNDLE_LINE.matcher(revision.<String>path("buildLog"));
        assertThat(matcher.find()).as(revision.<String>path("buildLog")).isTrue();
        return matcher.group(1);
    }

    /** The bundle blob, the image manifest and its initrd. */
    private static List<Path> imageFiles(Response revision) throws Exception {
        Path blobs = dataDir().resolve("store/blobs/sha256");
        String image = revision.path("imageDigest");
        Path manifest = blobs.resolve(image.substring("sha256:".length()));
        String initrd = new ObjectMapper().readTree(Files.readString(manifest)).path("initrd").asText();
        return List.of(blobs.resolve(bundleDigest(revision).substring("sha256:".length())), manifest,
                blobs.resolve(initrd.substring("sha256:".length())));
    }

    private static Path dataDir() {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class));
    }
}
