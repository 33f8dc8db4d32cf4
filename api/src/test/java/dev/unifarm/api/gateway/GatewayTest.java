package dev.unifarm.api.gateway;

import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/** The on-demand gateway with real QEMU boots of the echo-http and crash samples (issue 5). */
@QuarkusTest
class GatewayTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration SCALE_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> LIVE = List.of("Pending", "Booting", "Running");

    @Inject
    GatewayServer gateway;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void testGateway_unknownAppIs404Problem() throws Exception {
        HttpResponse<String> answer = get("/" + FarmClient.uniqueName("nosuchapp") + "/x");

        assertProblem(answer, 404, "app-not-found", "there is no app");
    }

    @Test
    void testGateway_coldRequestBootsTheAppThenIdleScalesToZeroAndTheNextRequestBootsAgain() throws Exception {
        String app = upload("echo-http",
                listening8090("\"scaling\": {\"minInstances\": 0, \"maxInstances\": 1, \"idleTimeout\": \"PT5S\"}"));
        assertThat(instances(app)).isEmpty();

        HttpResponse<String> first = get("/" + app + "/hello?x=1");

        assertServed(first, "echo-http: GET /hello?x=1\n");
        List<Response> afterFirst = instances(app);
        assertThat(afterFirst).hasSize(1);
        String firstId = afterFirst.get(0).path("id");

        await().atMost(SCALE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> "Stopped".equals(api().get("/api/v1/instances/" + firstId).path("state")));

        HttpResponse<String> second = get("/" + app + "/again");

        assertServed(second, "echo-http: GET /again\n");
        List<String> ids = instances(app).stream().map(r -> r.<String>path("id")).toList();
        assertThat(ids).hasSize(2).contains(firstId);
        assertThat(metric("unifarm_gateway_activations_total", app)).isEqualTo(2.0);
        assertThat(metric("unifarm_gateway_requests_seconds_count", app)).isEqualTo(2.0);
    }

    @Test
    void testGateway_concurrentSlowRequestsOverMaxConcurrencyScaleOutToTwoAndBackDown() throws Exception {
        String app = upload("echo-http",
                listening8090("\"scaling\": {\"minInstances\": 0, \"maxInstances\": 2, \"maxConcurrency\": 1,"
                        + " \"idleTimeout\": \"PT5S\"}"));

        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slow.add(http.sendAsync(request("/" + app + "/slow?ms=15000"), HttpResponse.BodyHandlers.ofString()));
        }
        int most = 0;
        while (!slow.stream().allMatch(CompletableFuture::isDone)) {
            most = Math.max(most, (int) instances(app).stream().filter(r -> LIVE.contains(r.<String>path("state"))).count());
            Thread.sleep(500);
        }

        for (CompletableFuture<HttpResponse<String>> answer : slow) {
            assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            assertThat(answer.get().body()).isEqualTo("echo-http: GET /slow?ms=15000\n");
        }
        assertThat(most).as("live instances at the peak").isEqualTo(2);
        assertThat(instances(app)).hasSize(2);
        await().atMost(SCALE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> instances(app).stream().allMatch(r -> "Stopped".equals(r.path("state"))));
        assertThat(metric("unifarm_gateway_instances", app)).isEqualTo(0.0);
    }

    @Test
    void testGateway_minInstancesAreKeptWarmBeforeAnyRequestAndServeIt() throws Exception {
        String spec = listening8090("\"scaling\": {\"minInstances\": 1, \"idleTimeout\": \"PT1S\"}");
        String app = upload("echo-http", spec);

        await().atMost(SCALE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> instances(app).stream().anyMatch(r -> "Running".equals(r.path("state"))));
        Thread.sleep(3000);
        HttpResponse<String> answer = get("/" + app + "/warm");

        assertServed(answer, "echo-http: GET /warm\n");
        assertThat(instances(app)).as("idle past idleTimeout, yet kept: it is the minimum").hasSize(1);
        assertThat(metric("unifarm_gateway_activations_total", app)).isEqualTo(1.0);

        // A new revision with minInstances 0 lets it go (the gateway re-reads the spec).
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", spec.replace("\"minInstances\": 1", "\"minInstances\": 0"))
                .when().post("/api/v1/apps").then().statusCode(201);
        await().atMost(SCALE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> instances(app).stream().allMatch(r -> "Stopped".equals(r.path("state"))));
    }

    @Test
    void testGateway_appThatCannotBootIs502WithTheReason() throws Exception {
        String app = upload("crash", "{\"port\": 8090, \"memoryMiB\": 384, \"scaling\": {\"idleTimeout\": \"PT5S\"}}");

        HttpResponse<String> answer = get("/" + app + "/x");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("activation-failed").contains("ended Failed/UnhandledException")
                .contains("Fix:").contains("Unifarm crash sample: deliberate failure");
    }

    @Test
    void testGateway_idleScaleDownSaysTheInstanceWasIdle() throws Exception {
        String app = upload("echo-http", listening8090("\"scaling\": {\"idleTimeout\": \"PT2S\"}"));
        HttpResponse<String> answer = get("/" + app + "/once");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = instances(app).get(0).path("id");

        Response stopped = await().atMost(SCALE_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> api().get("/api/v1/instances/" + id), r -> "Stopped".equals(r.path("state")));

        assertThat(stopped.<String>path("message")).as(stopped.asString())
                .startsWith("stopped: idle for PT2S (scaling.idleTimeout)").doesNotContain("on request");
    }

    @Test
    void testGateway_deletedAppIs404ProblemAtOnce() throws Exception {
        String app = upload("echo-http", listening8090("\"scaling\": {\"idleTimeout\": \"PT5S\"}"));
        HttpResponse<String> served = get("/" + app + "/before");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);

        api().delete("/api/v1/apps/" + app).then().statusCode(200);
        HttpResponse<String> after = get("/" + app + "/after");

        assertProblem(after, 404, "app-not-found", "there is no app", app);
    }

    @Test
    void testGateway_appThatWritesHeaderAndBodyApartSurvivesTheReadinessProbe() throws Exception {
        // two-writes dies when a client closes before the body has been written, as the old probe did at its first byte.
        String app = upload("two-writes", listening8090("\"scaling\": {\"idleTimeout\": \"PT5S\"}"));

        HttpResponse<String> first = get("/" + app + "/first");
        HttpResponse<String> second = get("/" + app + "/second");

        assertServed(first, "two-writes: GET /first (healthz: 0)\n");
        assertServed(second, "two-writes: GET /second (healthz: 0)\n");
        assertThat(instances(app)).hasSize(1).allSatisfy(i -> assertThat(i.<Integer>path("restarts")).isZero());
    }

    @Test
    void testGateway_readinessProbeUsesTheSpecPathAndReadsTheWholeAnswer() throws Exception {
        // two-writes dies when a client closes before the body has been written (as the old probe did).
        String app = upload("two-writes",
                listening8090("\"readinessPath\": \"/healthz\", \"scaling\": {\"idleTimeout\": \"PT5S\"}"));

        HttpResponse<String> answer = get("/" + app + "/page");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).as("the probe asked GET /healthz (counted by the app) and the app survived it")
                .matches("two-writes: GET /page \\(healthz: [1-9][0-9]*\\)\n");
        Response instance = instances(app).get(0);
        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Running");
        assertThat(api().get("/api/v1/apps/" + app).<String>path("spec.readinessPath")).isEqualTo("/healthz");
    }

    @Test
    void testUpload_readinessPathMustBeAPath() {
        Response answer = api().multiPart("name", FarmClient.uniqueName("badready"))
                .multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8090, \"readinessPath\": \"healthz\"}").post("/api/v1/apps");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.<String>path("detail")).contains("spec.readinessPath").contains("\"/healthz\"");
    }

    @Test
    void testUpload_badScalingIs400NamingTheField() {
        Response answer = api().multiPart("name", FarmClient.uniqueName("badscale"))
                .multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8090, \"scaling\": {\"idleTimeout\": \"5 seconds\"}}").post("/api/v1/apps");

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.<String>path("detail")).contains("spec.scaling.idleTimeout").contains("PT30S");
    }

    private String upload(String sample, String spec) {
        String app = FarmClient.uniqueName("gw-" + sample);
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample(sample).toFile()).multiPart("spec", spec)
                .when().post("/api/v1/apps").then().statusCode(201);
        Response built = FarmClient.awaitBuilt(app, 1);
        assertThat(built.<String>path("state")).as(built.asString()).isEqualTo("Ready");
        return app;
    }

    /** A spec for an app that listens on 8090 and is told so in its env, with 384 MiB and {@code more} fields. */
    private static String listening8090(String more) {
        return "{\"port\": 8090, \"env\": {\"PORT\": \"8090\"}, \"memoryMiB\": 384, " + more + "}";
    }

    private static void assertServed(HttpResponse<String> answer, String body) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(body);
    }

    /** The gateway answered {@code status} with a problem whose body names each of {@code parts}. */
    private static void assertProblem(HttpResponse<String> answer, int status, String... parts) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains(parts);
    }

    private List<Response> instances(String app) {
        List<String> ids = api().get("/api/v1/instances?app=" + app + "&limit=100").path("items.id");
        return ids.stream().map(id -> api().get("/api/v1/instances/" + id)).toList();
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).timeout(REQUEST_TIMEOUT).build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private static double metric(String name, String app) {
        String text = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{app=\"" + Pattern.quote(app) + "\"[^}]*\\} (\\S+)$").matcher(text);
        assertThat(m.find()).as(name + " for " + app + " in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
