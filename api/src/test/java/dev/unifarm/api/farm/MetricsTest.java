package dev.unifarm.api.farm;

import dev.unifarm.api.backpressure.BackpressureTest;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.FarmMetrics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * {@code /q/metrics} after real builds, runs, a reference run and a 429: the build, rejection and
 * reference-run metrics count them, and an app costs few series (README, "Metrics": the per-app budget).
 */
@QuarkusTest
@TestProfile(MetricsTest.OneUploadAtATime.class)
class MetricsTest {

    /**
     * Series one app that ran instances but not through the gateway may have, syscall counts aside: 6
     * instance states, the boot histogram (11 buckets, +Inf, count, sum, max = 15), restarts (1), the
     * diagnoses that happened (1–2 here) and coverage ratios (2 kinds × 3 kernels at most): 30.
     */
    static final int SERIES_PER_APP = 30;
    /** The boot histogram's explicit buckets (0.25 … 300 s) and +Inf. */
    static final int BOOT_BUCKETS = 12;
    private static final Duration REFERENCE_RUN = Duration.ofMinutes(5);
    private static final String NOT_A_NAME = "Not_A_Name";

    public static class OneUploadAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-metrics", "unifarm.limits.uploads", "1");
        }
    }

    @Test
    void testMetrics_buildsRejectionsAndReferenceRunsCounted_andAnAppCostsFewSeries() throws Exception {
        String before = metrics();
        String hello = built("hello", FarmClient.sample("hello"), "Ready");
        String crash = built("crash", FarmClient.sample("crash"), "Ready");
        built("no-runtime", FarmClient.helloAsking("9.9.0"), "Failed");
        assertThat(FarmClient.awaitEnded(FarmClient.startInstance(hello)).<String>path("state")).isEqualTo("Succeeded");
        assertThat(FarmClient.awaitEnded(FarmClient.startInstance(crash)).<String>path("reason")).isEqualTo("UnhandledException");
        String run = referenceRun(hello);
        rejectedUpload();

        // The counters follow the records they count: wait for the last of them.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> valueOrZero(metrics(), "unifarm_reference_runs_total{outcome=\"" + run + "\"}") > valueOrZero(before,
                        "unifarm_reference_runs_total{outcome=\"" + run + "\"}"));
        String after = metrics();
        System.out.println("series per app: hello " + seriesOf(after, hello) + " (syscalls " + syscallSeriesOf(after, hello)
                + "), crash " + seriesOf(after, crash));
        assertThat(delta(before, after, "unifarm_builds_total{outcome=\"Ready\",reason=\"none\"}")).isEqualTo(2.0);
        assertThat(delta(before, after, "unifarm_builds_total{outcome=\"Failed\",reason=\"runtime-not-found\"}")).isEqualTo(1.0);
        assertThat(delta(before, after, "unifarm_build_duration_seconds_count{outcome=\"Ready\"}")).isEqualTo(2.0);
        assertThat(delta(before, after, "unifarm_build_duration_seconds_count{outcome=\"Failed\"}")).isEqualTo(1.0);
        assertThat(count(after, "unifarm_build_duration_seconds_bucket{outcome=\"Ready\",")).as("build buckets").isBetween(2, 12);
        assertThat(delta(before, after, "unifarm_rejections_total{limit=\"uploads\"}")).isEqualTo(1.0);
        assertThat(delta(before, after, "unifarm_reference_runs_total{outcome=\"" + run + "\"}")).isEqualTo(1.0);
        assertThat(delta(before, after, "unifarm_reference_run_duration_seconds_count{outcome=\"" + run + "\"}")).isEqualTo(1.0);

        assertThat(count(after, "unifarm_instance_boot_seconds_bucket{app=\"" + hello + "\",")).isEqualTo(BOOT_BUCKETS);
        assertThat(after).as("no diagnosis series for an app that never failed").doesNotContain("unifarm_diagnoses_total{app=\"" + hello + "\"");
        assertThat(count(after, "unifarm_diagnoses_total{app=\"" + crash + "\",")).as("only the diagnosis that happened").isEqualTo(1);
        assertThat(seriesOf(after, hello)).isBetween(1, SERIES_PER_APP);
        assertThat(seriesOf(after, crash)).isBetween(1, SERIES_PER_APP);
    }

    private static String built(String prefix, Path bundle, String state) {
        String app = FarmClient.uniqueName(prefix);
        FarmClient.upload(app, bundle).then().statusCode(201);
        Response revision = FarmClient.awaitBuilt(app, 1);
        assertThat(revision.<String>path("state")).as(revision.asString()).isEqualTo(state);
        return app;
    }

    /** A reference run of {@code app} to its end; its final state ({@code Done} or {@code Failed}). */
    private static String referenceRun(String app) {
        api().post("/api/v1/apps/" + app + "/coverage/reference").then().statusCode(202);
        String path = "/api/v1/apps/" + app + "/coverage";
        await().atMost(REFERENCE_RUN).pollInterval(Duration.ofSeconds(1))
                .until(() -> List.of("Done", "Failed").contains(api().get(path).<String>path("runs[0].state")));
        String state = api().get(path).path("runs[0].state");
        assertThat(state).as(api().get(path).asString()).isEqualTo("Done");
        return state;
    }

    /**
     * One upload held in flight takes the only permit; the next gets 429. Both carry a name the farm refuses
     * (400 once read), so neither adds a build.
     */
    private static void rejectedUpload() throws IOException {
        String boundary = "unifarm-metrics-boundary";
        try (BackpressureTest.HeldRequest held = new BackpressureTest.HeldRequest("POST", "/api/v1/apps",
                "multipart/form-data; boundary=" + boundary, multipart(boundary, NOT_A_NAME))) {
            // Until the held upload has its permit, the probe may get through (400).
            await().atMost(BackpressureTest.GATE_WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> FarmClient.upload(NOT_A_NAME, FarmClient.sample("hello")).statusCode() == 429);
            assertThat(held.finish()).startsWith("HTTP/1.1 400");
        }
    }

    /** Sample lines (not comments) carrying {@code app="<app>"}, syscall counts aside (they grow with what the app calls). */
    static int seriesOf(String metrics, String app) {
        return (int) metrics.lines().filter(l -> !l.startsWith("#") && l.contains("app=\"" + app + "\""))
                .filter(l -> !l.startsWith("unifarm_syscalls_total")).count();
    }

    private static int syscallSeriesOf(String metrics, String app) {
        return count(metrics, "unifarm_syscalls_total{app=\"" + app + "\",");
    }

    private static int count(String metrics, String prefix) {
        return (int) metrics.lines().filter(l -> l.startsWith(prefix)).count();
    }

    /** How much the series grew between the scrapes; a series missing before counts from 0. */
    private static double delta(String before, String after, String series) {
        return FarmMetrics.value(after, series) - valueOrZero(before, series);
    }

    private static double valueOrZero(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static byte[] multipart(String boundary, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"hello.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(Files.readAllBytes(FarmClient.sample("hello")));
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
