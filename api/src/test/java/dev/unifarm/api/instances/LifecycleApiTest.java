package dev.unifarm.api.instances;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static dev.unifarm.api.testing.FarmMetrics.value;
import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/** Restart policy from the app spec, persisted restarts, and the instance metrics at {@code /q/metrics}. */
@QuarkusTest
class LifecycleApiTest {

    private static final Path INSTANCES = Path.of("target/test-data/instances");

    @Test
    void testMetrics_showInstancesBootDurationAfterAHelloRun() {
        String app = FarmClient.readyApp("hello", "hello");
        String id = FarmClient.startInstance(app);
        assertThat(FarmClient.awaitEnded(id).<String>path("state")).isEqualTo("Succeeded");

        String metrics = metrics();

        assertThat(value(metrics, "unifarm_instances{app=\"" + app + "\",state=\"Succeeded\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "unifarm_instances{app=\"" + app + "\",state=\"Running\"}")).isEqualTo(0.0);
        assertThat(value(metrics, "unifarm_instance_boot_seconds_count{app=\"" + app + "\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "unifarm_instance_boot_seconds_sum{app=\"" + app + "\"}")).isPositive();
        assertThat(metrics).contains("unifarm_instance_boot_seconds_bucket{app=\"" + app + "\",le=");
        assertThat(value(metrics, "unifarm_instance_restarts_total{app=\"" + app + "\"}")).isEqualTo(0.0);
        assertThat(metrics).as("an ended instance has no memory gauge")
                .doesNotContain("unifarm_instance_memory_resident_bytes{app=\"" + app + "\"");
    }

    @Test
    void testRestart_onFailureRestartsKilledQemuAndRecordsIt() throws Exception {
        String app = FarmClient.uniqueName("echo");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("echo-http").toFile())
                .multiPart("spec", "{\"restartPolicy\": \"OnFailure\"}").post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");
        String id = FarmClient.startInstance(app);
        awaitRunning(id, 0);
        String resident = "unifarm_instance_memory_resident_bytes{app=\"" + app + "\",instance_id=\"" + id + "\"}";
        assertThat(value(metrics(), resident)).as("QEMU's VmRSS").isGreaterThan(1024.0 * 1024);

        kill9(Long.parseLong(Files.readString(INSTANCES.resolve(id).resolve("qemu.pid")).strip()));
        awaitRunning(id, 1);

        Response instance = api().get("/api/v1/instances/" + id);
        assertThat(instance.<Integer>path("restarts")).isEqualTo(1);
        assertThat(instance.<String>path("reason")).as("the last termination reason").isEqualTo("VmExited");
        assertThat(instance.<String>path("message")).contains("restart 1 after Failed/VmExited");
        String metrics = metrics();
        assertThat(value(metrics, "unifarm_instance_restarts_total{app=\"" + app + "\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "unifarm_instances{app=\"" + app + "\",state=\"Running\"}")).isEqualTo(1.0);

        Response stopped = api().delete("/api/v1/instances/" + id);
        assertThat(stopped.<String>path("state")).as(stopped.asString()).isEqualTo("Stopped");
        assertThat(stopped.<Integer>path("restarts")).isEqualTo(1);
        // echo-http exits on SIGTERM, which the guest's power button sends (quit only if the powerdown wait runs out)
        assertThat(stopped.<String>path("message")).containsAnyOf("ended by powerdown", "ended by quit");
    }

    @Test
    void testRestart_appThatDiesRightAfterStartIsRestartedWithGrowingBackoffShownAsACrashLoop() {
        String app = FarmClient.uniqueName("crashloop");
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample("crash").toFile())
                .multiPart("spec", "{\"restartPolicy\": \"Always\", \"memoryMiB\": 384}").post("/api/v1/apps")
                .then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");
        String id = FarmClient.startInstance(app);
        java.util.Set<String> backOffs = new java.util.LinkedHashSet<>();

        await().atMost(FarmClient.RUN_TIMEOUT.multipliedBy(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Response instance = api().get("/api/v1/instances/" + id);
            assertThat(instance.<String>path("state")).as(instance.asString()).isNotIn("Succeeded", "Failed", "Stopped");
            boolean backingOff = "BackOff".equals(instance.path("reason"));
            if (backingOff) {
                backOffs.add(instance.path("message"));
            }
            // Stop during a backoff: a stop that meets a crash at the same moment rightly keeps the crash (RunEnd).
            return instance.<Integer>path("restarts") >= 2 && backOffs.size() >= 2 && backingOff;
        });

        List<String> seen = List.copyOf(backOffs);
        assertThat(seen.get(0)).startsWith("restart 1 in PT1S (policy Always) after Failed/UnhandledException");
        assertThat(seen.get(1)).as("the second quick failure in a row is a crash loop, and its delay has grown")
                .startsWith("crash loop: restart 2 in PT2S (policy Always) after Failed/UnhandledException");
        Response stopped = api().delete("/api/v1/instances/" + id);
        assertThat(stopped.<String>path("state")).as(stopped.asString()).isEqualTo("Stopped");
        assertThat(stopped.<Integer>path("restarts")).isGreaterThanOrEqualTo(2);
    }

    private static void awaitRunning(String id, int restarts) {
        await().atMost(FarmClient.RUN_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            Response instance = api().get("/api/v1/instances/" + id);
            String state = instance.path("state");
            if (java.util.List.of("Succeeded", "Failed", "Stopped").contains(state)) {
                throw new AssertionError("ended: " + instance.asString());
            }
            return "Running".equals(state) && instance.<Integer>path("restarts") == restarts;
        });
    }

    private static void kill9(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
