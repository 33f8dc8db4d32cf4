package dev.unifarm.api.instances;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;


/**
 * Env reaches the app on the linux profile byte for byte (spaces, quotes, {@code =}, {@code ;}, {@code $}),
 * and an app with a port is told it: {@code PORT} and {@code ASPNETCORE_URLS}. Over HTTP, with real guests.
 */
@QuarkusTest
class EnvDeliveryTest {

    private static final String CONN = "Host=db; Username=a b; Password=\"x$y\"";

    @Test
    void testEnv_connectionStringFromStartAndSpacesFromSpecReachTheAppExactly() {
        String app = FarmClient.uniqueName("printenv");
        FarmClient.readyRevision(app, "printenv", "{\"args\": [\"CONN\", \"GREETING\", \"PLAIN\"],"
                + " \"env\": {\"GREETING\": \" hello  wide world \", \"PLAIN\": \"a=b;c\"}}");

        String id = api().contentType("application/json").body(Map.of("env", Map.of("CONN", CONN)))
                .post("/api/v1/apps/" + app + "/instances").then().statusCode(201).extract().path("id");
        Response ended = FarmClient.awaitEnded(id);

        String console = FarmClient.console(id);
        assertThat(console).contains("printenv: CONN=[" + CONN + "]\n")
                .contains("printenv: GREETING=[ hello  wide world ]\n")
                .contains("printenv: PLAIN=[a=b;c]\n");
        assertThat(ended.<String>path("state")).as(ended.asString()).isEqualTo("Succeeded");
    }

    @Test
    void testEnv_aValueNoEnvironmentCanHoldIsAProblemThatSaysWhy() {
        String app = FarmClient.readyApp("printenv", "printenv");

        api().contentType("application/json").body(Map.of("env", Map.of("A", "x\u0000y")))
                .post("/api/v1/apps/" + app + "/instances").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("env A contains a NUL character"));
    }

    @Test
    void testPort_appListensOnSpecPortWithoutBeingToldInItsEnv() throws Exception {
        String app = FarmClient.uniqueName("echoport");
        Response built = FarmClient.readyRevision(app, "echo-http", "{\"port\": 9090}");
        String id = FarmClient.startInstance(app);
        try {
            Awaitility.await().atMost(FarmClient.RUN_TIMEOUT)
                    .until(() -> List.of("Running", "Succeeded", "Failed", "Stopped").contains(api().get("/api/v1/instances/" + id).path("state")));
            Response running = api().get("/api/v1/instances/" + id);
            assertThat(running.<String>path("state")).as(running.asString()).isEqualTo("Running");

            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + running.path("endpoint") + "/x")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).contains("echo-http: GET /x");
            assertThat(FarmClient.console(id)).contains("echo-http listening on port 9090");
            assertThat(built.<String>path("buildLog")).contains("port: the app's env has PORT=9090 ASPNETCORE_URLS=http://+:9090");
        } finally {
            api().delete("/api/v1/instances/" + id);
        }
    }

    @Test
    void testPort_specEnvWinsOverTheFarmsValue() {
        String app = FarmClient.uniqueName("printport");
        FarmClient.readyRevision(app, "printenv", "{\"port\": 9091, \"args\": [\"PORT\", \"ASPNETCORE_URLS\"],"
                + " \"env\": {\"ASPNETCORE_URLS\": \"http://+:5000\"}}");

        String id = FarmClient.startInstance(app);
        FarmClient.awaitEnded(id);

        assertThat(FarmClient.console(id)).contains("printenv: PORT=[9091]\n").contains("printenv: ASPNETCORE_URLS=[http://+:5000]\n");
    }
}
