package dev.unifarm.api.coverage;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import dev.unifarm.scheduler.coverage.NeedsSweepResult;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The needs sweep's REST answers without a boot: its checks (404, 409), and sweeps recorded as a finished farm would
 * record them (results read from consoles in the guest's protocol, {@link NeedsConsoleLines}) shown with their classes,
 * evidence and a kernel's gaps, and followed as events.
 */
@QuarkusTest
class NeedsApiTest {

    private static final String KERNEL_WITH_TABLE = "unikraft-elfloader-9pfs";
    private static final String KERNEL_WITHOUT_TABLE = "unikraft-elfloader";

    @Inject
    NeedsRepository needs;

    @Inject
    ProfileRepository profiles;

    @Inject
    NeedsProgress progress;

    @Inject
    ObjectMapper json;

    @Test
    void testChecks_noAppNoSweepNoReferenceRunOrOneRunning() {
        api().post("/api/v1/apps/no-such-app/coverage/needs").then().statusCode(404).contentType("application/problem+json");
        api().get("/api/v1/apps/no-such-app/coverage/needs").then().statusCode(404);
        api().get("/api/v1/apps/no-such-app/coverage/needs/events").then().statusCode(404);
        String app = FarmClient.readyApp("needs", "hello");
        String path = "/api/v1/apps/" + app + "/coverage/needs";

        Response none = api().get(path);
        none.then().statusCode(404).contentType("application/problem+json");
        assertThat(none.<String>path("type")).endsWith("needs-not-found");
        assertThat(none.<String>path("detail")).contains("POST /api/v1/apps/" + app + "/coverage/needs");
        Response noReference = api().post(path);
        noReference.then().statusCode(409).contentType("application/problem+json");
        assertThat(noReference.<String>path("type")).endsWith("reference-run-missing");
        assertThat(noReference.<String>path("detail")).contains("POST /api/v1/apps/" + app + "/coverage/reference first and wait for Done");

        profiles.insertFinished("r-needs-" + app, app, 1, "linux", ReferenceRuns.SOURCE, ProfileRow.DONE, 0,
                "{\"mmap\": {\"ok\": 3}}", "the app ended by itself (Succeeded, exit code 0)", Instant.now());
        needs.insertRunning("n-running-" + app, app, 1, "r-needs-" + app, 3, Instant.now());
        Response running = api().post(path);
        running.then().statusCode(409);
        assertThat(running.<String>path("type")).endsWith("needs-running");
        assertThat(running.<String>path("detail")).contains("n-running-" + app).contains("/coverage/needs/events");
        Response shown = api().get(path);
        shown.then().statusCode(200);
        assertThat(shown.<String>path("state")).isEqualTo("Running");
        assertThat(shown.<Integer>path("trialsPlanned")).isEqualTo(3);
        assertThat(shown.<Object>path("classes")).as("not Done yet").isNull();
        needs.markFailed("n-running-" + app, "test over", Instant.now());
    }

    @Test
    void testDoneSweep_showsClassesSharesEvidenceAndAKernelsGaps() throws IOException {
        String app = appWithDoneSweep(classes());
        String path = "/api/v1/apps/" + app + "/coverage/needs";

        Response report = api().get(path);
        System.out.println("needs report: " + report.asString());
        report.then().statusCode(200);
        assertThat(report.<String>path("state")).isEqualTo("Done");
        assertThat(report.<List<String>>path("classes.required")).containsExactly("afs_syscall", "mknodat", "mmap");
        assertThat(report.<List<String>>path("classes.fakeable")).containsExactly("sched_getaffinity");
        assertThat(report.<List<String>>path("classes.stubbable")).containsExactly("clone3", "rseq");
        assertThat(report.<List<String>>path("classes.untried")).isEmpty();
        assertThat(report.<Float>path("shares.required")).isEqualTo(0.5f);
        assertThat(report.<Float>path("shares.stubbable")).isEqualTo(2 / 6f);
        assertThat(report.<String>path("syscalls.find { it.name == 'mknodat' }.class")).isEqualTo("required");
        assertThat(report.<String>path("syscalls.find { it.name == 'mknodat' }.evidence.stub.verdict")).isEqualTo("fail");
        assertThat(report.<Integer>path("syscalls.find { it.name == 'mknodat' }.evidence.stub.exitCode")).isEqualTo(134);
        assertThat(report.<String>path("syscalls.find { it.name == 'mknodat' }.evidence.fake.firstDifference"))
                .isEqualTo("Unhandled exception.");
        assertThat(report.<String>path("syscalls.find { it.name == 'mmap' }.note")).startsWith("not faked: ");
        assertThat(report.<Object>path("syscalls.find { it.name == 'mmap' }.evidence.fake")).isNull();
        assertThat(report.<String>path("syscalls.find { it.name == 'rseq' }.evidence.stub.verdict")).isEqualTo("pass");
        assertThat(report.<Integer>path("baseline.exitCode")).isZero();
        assertThat(report.<Integer>path("trials")).isEqualTo(10);
        assertThat(report.<Object>path("blockers")).as("no kernel asked").isNull();

        Response against = api().queryParam("kernel", KERNEL_WITH_TABLE).get(path);
        against.then().statusCode(200);
        assertThat(against.<String>path("kernel")).isEqualTo(KERNEL_WITH_TABLE);
        assertThat(against.<List<String>>path("blockers")).as("the 9pfs kernel has mknodat and mmap").containsExactly("afs_syscall");
        assertThat(against.<List<String>>path("shim")).as("it has sched_getaffinity").isEmpty();
        assertThat(against.<List<String>>path("stub")).containsExactly("clone3", "rseq");
        assertThat(api().queryParam("kernel", "linux").get(path).<List<String>>path("blockers")).isEmpty();

        Response unknown = api().queryParam("kernel", "no-such-kernel").get(path);
        unknown.then().statusCode(400).contentType("application/problem+json");
        assertThat(unknown.<String>path("type")).endsWith("invalid-kernel");
        Response noTable = api().queryParam("kernel", KERNEL_WITHOUT_TABLE).get(path);
        noTable.then().statusCode(409).contentType("application/problem+json");
        assertThat(noTable.<String>path("detail")).contains("unifarm.kernels." + KERNEL_WITHOUT_TABLE + ".provided-syscalls");
    }

    @Test
    void testEvents_ofAFinishedSweepEndAtOnce() throws Exception {
        String app = appWithDoneSweep(classes());

        List<String> lines = events(app);

        assertThat(lines).containsExactly("event: end", "data: {\"state\":\"Done\",\"message\":\"6 syscalls\"}", "");
    }

    @Test
    void testEvents_ofARunningSweepGiveProgressThenTheEnd() throws Exception {
        String app = FarmClient.readyApp("needs", "hello");
        String runId = "n-live-" + app;
        needs.insertRunning(runId, app, 1, "r-x", 9, Instant.now());
        progress.trial(runId, NeedsConsole.trial(NeedsConsole.TRIAL + " 3 stub mknodat fail 134 455 - Unhandled exception."), 4);
        Thread finisher = new Thread(() -> {
            sleep(1500);
            needs.markFailed(runId, "the app fails its workload with nothing injected: x", Instant.now());
            progress.finished(runId);
        });
        finisher.start();

        List<String> lines = events(app);
        finisher.join();

        assertThat(lines.get(0)).isEqualTo("event: progress");
        assertThat(lines.get(1)).isEqualTo("data: {\"runId\":\"" + runId + "\",\"trialsDone\":4,\"trialsPlanned\":9,"
                + "\"lastTrial\":{\"seq\":3,\"mode\":\"stub\",\"syscall\":\"mknodat\",\"verdict\":\"fail\"}}");
        assertThat(lines).containsSubsequence("event: end", "data: {\"state\":\"Failed\",\"message\":\"the app fails its workload with"
                + " nothing injected: x\"}");
    }

    private static Map<String, String> classes() {
        Map<String, String> classes = new TreeMap<>();
        classes.put("afs_syscall", "required");
        classes.put("clone3", "stubbable");
        classes.put("mknodat", "required");
        classes.put("mmap", "required");
        classes.put("rseq", "stubbable");
        classes.put("sched_getaffinity", "fakeable");
        return classes;
    }

    /** An app with a Done sweep recorded as NeedsSweeps records one. */
    private String appWithDoneSweep(Map<String, String> classes) throws IOException {
        String app = FarmClient.readyApp("needs", "hello");
        NeedsSweepResult result = NeedsConsoleLines.result(classes);
        String runId = "n-done-" + app;
        needs.insertRunning(runId, app, 1, "r-x", NeedsConsole.plannedTrials(classes.keySet()), Instant.now());
        needs.markDone(runId, result.trials(), json.writeValueAsString(result), "6 syscalls", Instant.now());
        return app;
    }

    /** The event stream's lines until it ends. */
    private static List<String> events(String app) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port + "/api/v1/apps/"
                        + app + "/coverage/needs/events")).header("Authorization", "Bearer " + FarmClient.token())
                .timeout(Duration.ofMinutes(1)).build();
        HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
