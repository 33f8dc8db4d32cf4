package dev.unifarm.api.coverage;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * A coverage reference run queued behind busy capacity says so: with one vCPU for all instances and
 * a ticker holding it, the run is {@code Waiting} with what it needs and what is free, not
 * {@code Running}; once the ticker is stopped, it boots and ends {@code Done}.
 */
@QuarkusTest
@TestProfile(ReferenceWaitingTest.OneVcpu.class)
class ReferenceWaitingTest {

    private static final Duration BUILD_AND_QUEUE = Duration.ofMinutes(3);
    private static final Duration REFERENCE = Duration.ofMinutes(4);

    public static class OneVcpu implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.instances.capacity.vcpus", "1");
        }
    }

    @Test
    void testReference_queuedBehindBusyCapacityIsWaitingWithWhy() {
        String ticker = upload("ticker");
        String hello = upload("hello");
        String busy = FarmClient.startInstance(ticker);
        String coverage = "/api/v1/apps/" + hello + "/coverage";

        api().post(coverage + "/reference").then().statusCode(202);
        await().atMost(BUILD_AND_QUEUE).pollInterval(Duration.ofMillis(500))
                .until(() -> !"Running".equals(api().get(coverage).path("runs[0].state")));
        Response waiting = api().get(coverage);
        assertThat(waiting.<String>path("runs[0].state")).as(waiting.asString()).isEqualTo("Waiting");
        assertThat(waiting.<String>path("runs[0].message")).as("what it waits for")
                .startsWith("waiting for capacity: needs ").contains(" and 1 vCPU, free ").contains(" and 0 vCPUs of ");
        assertThat(api().get("/api/v1/instances/" + busy).<String>path("state")).isIn("Booting", "Running");

        api().delete("/api/v1/instances/" + busy).then().statusCode(200);
        await().atMost(REFERENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> !List.of("Running", "Waiting").contains(api().get(coverage).path("runs[0].state")));
        Response done = api().get(coverage);
        assertThat(done.<String>path("runs[0].state")).as(done.asString()).isEqualTo("Done");
        // how it ended (by itself, or powered down after the settle time on a loaded host), no longer why it waited
        assertThat(done.<String>path("runs[0].message")).contains("exit code 0").doesNotContain("waiting for capacity");
    }

    private static String upload(String sample) {
        String app = FarmClient.uniqueName(sample);
        FarmClient.upload(app, FarmClient.sample(sample)).then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");
        return app;
    }
}
