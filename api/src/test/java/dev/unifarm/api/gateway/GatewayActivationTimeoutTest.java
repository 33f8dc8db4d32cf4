package dev.unifarm.api.gateway;

import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * An app that listens on another port than {@code spec.port} (issue 15): the gateway's 504 quotes what
 * its console says, and the instance that never became ready is stopped, saying why. A short activation
 * timeout keeps the test quick.
 */
@QuarkusTest
@TestProfile(GatewayActivationTimeoutTest.ShortActivation.class)
class GatewayActivationTimeoutTest {

    public static class ShortActivation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Long enough for a TCG boot of echo-http on a busy machine, short enough for a test.
            return Map.of("unifarm.gateway.activation-timeout", "PT40S");
        }
    }

    @Inject
    GatewayServer gateway;

    @Test
    void testGateway_appOnAnotherPortIs504QuotingItsConsoleAndItsInstanceIsStopped() throws Exception {
        String app = FarmClient.uniqueName("gw-wrongport");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 9090, \"env\": {\"PORT\": \"8080\"}, \"memoryMiB\": 384}")
                .post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");

        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/" + app + "/x"))
                        .timeout(Duration.ofMinutes(3)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(504);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("activation-timeout").contains("echo-http listening on port 8080")
                .contains("spec.port 9090");
        List<String> ids = api().get("/api/v1/instances?app=" + app).path("items.id");
        assertThat(ids).hasSize(1);
        Response ended = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> api().get("/api/v1/instances/" + ids.get(0)), r -> "Stopped".equals(r.path("state")));
        assertThat(ended.<String>path("message")).as(ended.asString())
                .startsWith("stopped: not ready within PT40S (unifarm.gateway.activation-timeout)")
                .contains("spec.port 9090");
    }
}
