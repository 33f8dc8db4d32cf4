package dev.unifarm.api.snapshots;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.unifarm.api.db.Jdbc;
import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.FarmMetrics;
import dev.unifarm.imager.model.Digests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Snapshot-restore activation through the gateway, over HTTP, with real QEMU boots and restores of echo-http
 * (issue 18). One app's boots are shared: a cold request boots, the farm snapshots the revision, the app scales to
 * zero, the next cold request is a restore with the same answer; a new revision boots; a corrupted snapshot is
 * dropped, counted, and its request booted; so is one QEMU refuses (the restore ends {@code RestoreFailed}); an
 * operator's {@code DELETE …/revisions/{n}/snapshot} throws one away.
 */
@QuarkusTest
@TestProfile(SnapshotGatewayTest.SnapshotsOn.class)
class SnapshotGatewayTest {

    public static class SnapshotsOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.gateway.snapshots.enabled", "true");
        }
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SCALE_TIMEOUT = Duration.ofMinutes(2);
    private static final String SPEC = "{\"port\": 8090, \"env\": {\"PORT\": \"8090\"%s}, \"memoryMiB\": 384,"
            + " \"scaling\": {\"idleTimeout\": \"PT2S\"}}";

    @Inject
    GatewayServer gateway;
    @Inject
    Jdbc jdbc;
    @Inject
    SnapshotStore store;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void testColdStarts_restoreTheRevisionsSnapshotNotAnotherRevisionsAndBootWhenItIsCorrupt() throws Exception {
        String app = FarmClient.uniqueName("snap-echo");
        FarmClient.readyRevision(app, "echo-http", SPEC.formatted(""));

        // 1. The first cold request boots and answers; the farm then snapshots revision 1 off the request path.
        assertServed(get("/" + app + "/hello?x=1"), "echo-http: GET /hello?x=1\n");
        Response booted = onlyInstance(app, 1);
        assertThat(booted.<String>path("activation")).isEqualTo("boot");
        Response snapshot = awaitSnapshot(app, 1);
        assertThat(snapshot.<Integer>path("snapshot.memoryMiB")).isEqualTo(384);
        assertThat(snapshot.<String>path("snapshot.profile")).isEqualTo("linux");
        assertThat(snapshot.<String>path("snapshot.qemuVersion")).isNotBlank();
        assertThat(((Number) snapshot.path("snapshot.ramBytes")).longValue()).isEqualTo(384L << 20);
        assertThat(((Number) snapshot.path("snapshot.bytes")).longValue()).isGreaterThan(0).isLessThan(384L << 20);
        assertThat(snapshot.<Integer>path("snapshot.restores")).isZero();
        assertThat(snapshot.<String>path("snapshot.stateDigest")).startsWith("sha256:");
        awaitAllStopped(app);

        // 2. The app is at zero: the next cold request is a restore, with the same answer.
        assertServed(get("/" + app + "/hello?x=1"), "echo-http: GET /hello?x=1\n");
        Response restored = newestInstance(app);
        assertThat(restored.<String>path("activation")).as(restored.asString()).isEqualTo("restore");
        assertThat(restored.<Integer>path("revision")).isEqualTo(1);
        assertThat(revision(app, 1).<Integer>path("snapshot.restores")).isEqualTo(1);
        String metrics = FarmMetrics.metrics();
        assertThat(FarmMetrics.value(metrics, "unifarm_snapshots")).isGreaterThanOrEqualTo(1.0);
        assertThat(FarmMetrics.value(metrics, "unifarm_snapshot_bytes")).isGreaterThanOrEqualTo(((Number) snapshot.path("snapshot.bytes")).doubleValue());
        double bootSeconds = activationSeconds(metrics, app, "boot");
        double restoreSeconds = activationSeconds(metrics, app, "restore");
        System.out.printf("activation of %s: boot %.3f s, restore %.3f s (%.2fx); restored instance: created → started %s,"
                + " started → ready %s%n", app, bootSeconds, restoreSeconds, restoreSeconds / bootSeconds,
                between(restored, "createdAt", "startedAt"), between(restored, "startedAt", "readyAt"));
        awaitAllStopped(app);

        // 3. A new revision never restores revision 1's snapshot: its first cold request boots.
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", SPEC.formatted(", \"REVISION\": \"2\""), "application/json").post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 2).<String>path("state")).isEqualTo("Ready");
        assertServed(get("/" + app + "/two"), "echo-http: GET /two\n");
        Response second = newestInstance(app);
        assertThat(second.<Integer>path("revision")).isEqualTo(2);
        assertThat(second.<String>path("activation")).as(second.asString()).isEqualTo("boot");

        // 4. Revision 2's snapshot, corrupted on disk: the cold request boots, the snapshot is dropped and counted.
        Response snapshot2 = awaitSnapshot(app, 2);
        awaitAllStopped(app);
        corrupt(blob(snapshot2.path("snapshot.stateDigest")));

        assertServed(get("/" + app + "/after-corruption"), "echo-http: GET /after-corruption\n");
        Response rebooted = newestInstance(app);
        assertThat(rebooted.<String>path("activation")).as(rebooted.asString()).isEqualTo("boot");
        assertThat(rebooted.<Integer>path("revision")).isEqualTo(2);
        assertThat(FarmMetrics.value(FarmMetrics.metrics(), "unifarm_snapshot_dropped_total{app=\"" + app + "\",reason=\"corrupt\"}"))
                .isEqualTo(1.0);
        assertThat(revision(app, 1).<Object>path("snapshot")).as("revision 1's snapshot is another's: untouched").isNotNull();

        // 5. A snapshot QEMU refuses (a truncated state that passes the store's checks): the restore ends
        //    Failed/RestoreFailed, the snapshot is dropped and counted, and the waiting request is served by a boot.
        Response snapshot3 = awaitSnapshot(app, 2);
        awaitAllStopped(app);
        passTruncatedStateOff(app, snapshot3.path("snapshot.stateDigest"));

        assertServed(get("/" + app + "/after-refusal"), "echo-http: GET /after-refusal\n");
        List<Response> all = instances(app);
        Response refused = all.get(all.size() - 2);
        assertThat(refused.<String>path("activation")).as(refused.asString()).isEqualTo("restore");
        assertThat(refused.<String>path("state")).isEqualTo("Failed");
        assertThat(refused.<String>path("reason")).isEqualTo("RestoreFailed");
        assertThat(all.get(all.size() - 1).<String>path("activation")).isEqualTo("boot");
        assertThat(FarmMetrics.value(FarmMetrics.metrics(), "unifarm_snapshot_dropped_total{app=\"" + app + "\",reason=\"restore-failed\"}"))
                .isEqualTo(1.0);

        // 6. An operator throws revision 1's snapshot away: gone from the revision, counted; a second DELETE finds none.
        api().delete("/api/v1/apps/" + app + "/revisions/1/snapshot").then().statusCode(204);
        assertThat(revision(app, 1).<Object>path("snapshot")).isNull();
        Response again = api().delete("/api/v1/apps/" + app + "/revisions/1/snapshot");
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(again.<String>path("type")).endsWith("snapshot-not-found");
        assertThat(FarmMetrics.value(FarmMetrics.metrics(), "unifarm_snapshot_dropped_total{app=\"" + app + "\",reason=\"deleted-on-request\"}"))
                .isEqualTo(1.0);
    }

    /**
     * Truncates the state blob to 300,000 bytes (QEMU: "load of migration failed") and makes the store believe it is
     * the snapshot's (row and blob name), as if it had been stored that way.
     */
    private void passTruncatedStateOff(String app, String stateDigest) throws Exception {
        Path state = blob(stateDigest);
        try (RandomAccessFile file = new RandomAccessFile(state.toFile(), "rw")) {
            file.setLength(300_000);
        }
        String truncated = Digests.of(state);
        Files.move(state, state.resolveSibling(Digests.hex(truncated)));
        jdbc.update("UPDATE snapshots SET state_digest = ?, state_bytes = ? WHERE app = ? AND state_digest = ?", truncated, 300_000, app,
                stateDigest);
        store.reconcile();
    }

    @Test
    void testUpload_snapshotMustBeABooleanAndNeedsAPort() {
        Response notBoolean = api().multiPart("name", FarmClient.uniqueName("badsnap")).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8090, \"scaling\": {\"snapshot\": \"yes\"}}").post("/api/v1/apps");
        Response noPort = api().multiPart("name", FarmClient.uniqueName("badsnap")).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"scaling\": {\"snapshot\": true}}").post("/api/v1/apps");

        assertThat(notBoolean.statusCode()).as(notBoolean.asString()).isEqualTo(400);
        assertThat(notBoolean.contentType()).startsWith("application/problem+json");
        assertThat(notBoolean.<String>path("detail")).contains("spec.scaling.snapshot");
        assertThat(noPort.statusCode()).as(noPort.asString()).isEqualTo(400);
        assertThat(noPort.contentType()).startsWith("application/problem+json");
        assertThat(noPort.<String>path("detail")).contains("spec.scaling.snapshot").contains("spec.port");
    }

    private Response awaitSnapshot(String app, int number) {
        return await().atMost(SNAPSHOT_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> revision(app, number), r -> r.path("snapshot") != null);
    }

    private static Response revision(String app, int number) {
        return api().get("/api/v1/apps/" + app + "/revisions/" + number);
    }

    private void awaitAllStopped(String app) {
        await().atMost(SCALE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> instances(app).stream().allMatch(r -> "Stopped".equals(r.path("state"))));
    }

    private Response onlyInstance(String app, int revision) {
        List<Response> all = instances(app);
        assertThat(all).hasSize(1);
        assertThat(all.get(0).<Integer>path("revision")).isEqualTo(revision);
        return all.get(0);
    }

    private Response newestInstance(String app) {
        List<Response> all = instances(app);
        return all.get(all.size() - 1);
    }

    private List<Response> instances(String app) {
        List<String> ids = api().get("/api/v1/instances?app=" + app + "&limit=100").path("items.id");
        return ids.stream().map(id -> api().get("/api/v1/instances/" + id)).toList();
    }

    /** The snapshot store's file of {@code digest} (blobs are named by their sha256). */
    private static Path blob(String digest) {
        Path file = Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class))
                .resolve("snapshots/blobs/sha256").resolve(digest.substring("sha256:".length()));
        assertThat(file).isRegularFile();
        return file;
    }

    private static void corrupt(Path file) throws Exception {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(out.length() / 2);
            out.write(new byte[] {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55});
        }
    }

    private static double activationSeconds(String metrics, String app, String mode) {
        String labels = "{app=\"" + app + "\",mode=\"" + mode + "\"}";
        double count = FarmMetrics.value(metrics, "unifarm_gateway_activation_seconds_count" + labels);
        assertThat(count).as("%s activations of %s", mode, app).isGreaterThanOrEqualTo(1.0);
        return FarmMetrics.value(metrics, "unifarm_gateway_activation_seconds_sum" + labels) / count;
    }

    /** For the log: the time between two of an instance's timestamps. */
    private static Duration between(Response instance, String from, String to) {
        return Duration.between(java.time.Instant.parse(instance.path(from)), java.time.Instant.parse(instance.path(to)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).timeout(REQUEST_TIMEOUT).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertServed(HttpResponse<String> answer, String body) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(body);
    }
}
