package dev.unifarm.api;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;


/** The README walk-through, over HTTP only: upload → Ready → start → console → final state. */
@QuarkusTest
class WalkthroughTest {

    @Test
    void testHello_runsToSucceededWithItsLine() {
        String app = FarmClient.uniqueName("hello");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201)
                .header("Location", matchesPattern(".*/api/v1/apps/" + app))
                .body("name", equalTo(app)).body("latestRevision", equalTo(1));

        Response revision = FarmClient.awaitBuilt(app, 1);
        assertThat(revision.<String>path("state")).as(revision.asString()).isEqualTo("Ready");
        assertThat(revision.<String>path("imageDigest")).matches("sha256:[0-9a-f]{64}");
        assertThat(revision.<Integer>path("sizes.initrd")).isPositive();
        assertThat(revision.<String>path("ociDigest")).as("in the store's OCI layout, registry or not").matches("sha256:[0-9a-f]{64}");
        assertThat(revision.<String>path("buildLog")).contains("oci: " + revision.<String>path("ociDigest"));
        assertThat(revision.<String>path("ociReference")).as("no registry configured: nothing pushed").isNull();

        String id = FarmClient.startInstance(app);
        Response instance = FarmClient.awaitEnded(id);

        String console = FarmClient.console(id);
        assertThat(console).contains("Hello from Unifarm!\n").contains("args: []");
        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Succeeded");
        assertThat(instance.<Integer>path("exitCode")).isZero();
        assertThat(instance.<String>path("app")).isEqualTo(app);
        assertThat(instance.<String>path("accel")).isIn("kvm", "tcg");
        assertThat(instance.<String>path("readyAt")).isNotNull();
        assertThat(instance.<String>path("finishedAt")).isNotNull();
    }

    @Test
    void testSelfContained_bootsFromTheRuntimeItCarries() {
        String app = FarmClient.uniqueName("selfcontained");
        Response revision = FarmClient.readyRevision(app, "hello-self-contained");
        assertThat(revision.<String>path("buildLog")).contains("runtime: self-contained");

        String id = FarmClient.startInstance(app);
        Response instance = FarmClient.awaitEnded(id);

        assertThat(FarmClient.console(id)).contains("Hello from Unifarm!\n");
        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Succeeded");
        assertThat(instance.<Integer>path("exitCode")).isZero();
    }

    @Test
    void testCrash_endsFailedWithTheException() {
        String app = FarmClient.readyApp("crash", "crash");

        String id = FarmClient.startInstance(app);
        Response instance = FarmClient.awaitEnded(id);

        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Failed");
        assertThat(instance.<Integer>path("exitCode")).isNotNull().isNotZero();
        assertThat(instance.<String>path("message")).contains("Unhandled Exception");
        assertThat(FarmClient.console(id))
                .contains("Unhandled Exception: System.InvalidOperationException: Unifarm crash sample: deliberate failure");
    }

    @Test
    void testDelete_stopsARunningServer() {
        String app = FarmClient.readyApp("echo", "echo-http");
        String id = FarmClient.startInstance(app);
        org.awaitility.Awaitility.await().atMost(FarmClient.RUN_TIMEOUT)
                .until(() -> "Running".equals(api().get("/api/v1/instances/" + id).path("state")));

        Response stopped = api().delete("/api/v1/instances/" + id);

        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(stopped.<String>path("state")).as(stopped.asString()).isEqualTo("Stopped");
        assertThat(FarmClient.console(id)).contains("echo-http listening on port");
        api().get("/api/v1/instances?app=" + app).then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.contains(id)).body("items[0].state", equalTo("Stopped"));
    }

    @Test
    void testStart_appWithAPortGetsAnEndpointThatAnswers() throws Exception {
        String app = FarmClient.uniqueName("echoport");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8083, \"env\": {\"PORT\": \"8083\"}}")
                .when().post("/api/v1/apps").then().statusCode(201);
        Response built = FarmClient.awaitBuilt(app, 1);
        assertThat(built.<String>path("state")).as(built.asString()).isEqualTo("Ready");
        assertThat(built.<String>path("buildLog")).contains("network: /init loads", "power: /init loads");
        String id = FarmClient.startInstance(app);
        try {
            org.awaitility.Awaitility.await().atMost(FarmClient.RUN_TIMEOUT)
                    .until(() -> List.of("Running", "Failed", "Stopped").contains(api().get("/api/v1/instances/" + id).path("state")));
            Response running = api().get("/api/v1/instances/" + id);
            assertThat(running.<String>path("state")).as(running.asString()).isEqualTo("Running");
            String endpoint = running.path("endpoint");
            assertThat(endpoint).matches("127\\.0\\.0\\.1:\\d+");

            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + endpoint + "/x"))
                            .timeout(java.time.Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).contains("echo-http: GET /x");
        } finally {
            api().delete("/api/v1/instances/" + id);
        }
    }

    @Test
    void testConsole_followStreamsUntilTheInstanceEnds() {
        String app = FarmClient.readyApp("follow", "hello");
        String id = FarmClient.startInstance(app);

        String followed = api().get("/api/v1/instances/" + id + "/console?follow=true").then().statusCode(200)
                .extract().asString();

        assertThat(followed).contains("Hello from Unifarm!").contains("Attempted to kill init!");
        assertThat(api().get("/api/v1/instances/" + id).<String>path("state")).isEqualTo("Succeeded");
    }

    @Test
    void testStart_argsOverrideReachTheApp() {
        String app = FarmClient.readyApp("args", "hello");

        String id = api().contentType("application/json").body("{\"args\": [\"one\", \"two\"]}")
                .post("/api/v1/apps/" + app + "/instances").then().statusCode(201).extract().path("id");

        assertThat(FarmClient.awaitEnded(id).<String>path("state")).isEqualTo("Succeeded");
        assertThat(FarmClient.console(id)).contains("args: [one, two]");
    }
}
