package dev.unifarm.api.coverage;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Needs sweeps of {@code hello}, {@code nosys} and {@code echo-http} through the REST API on the real traced image (real
 * QEMU under TCG, the linux kernel, CoreCLR 2.0, strace injecting in the guest): each a reference run first, then the
 * sweep, followed as events to its end. Prints per sample the figures the docs quote (times, trials, classes).
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeedsSweepSamplesTest {

    /** Build + traced boot under TCG on a shared machine: generous. */
    private static final Duration REFERENCE = Duration.ofMinutes(5);
    /**
     * Syscalls a real Unikraft failed with ENOSYS while hello still ran (the recorded 9pfs consoles): the sweep must find
     * each of them stubbable.
     */
    private static final List<String> STUBBED_ON_UNIKRAFT = List.of("faccessat2", "clone3", "set_robust_list", "rseq", "sched_getparam",
            "sched_getscheduler");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Set<String> helloNames;

    @Test
    @Order(1)
    void testHello_unikraftsEnosysOnesAreStubbableMknodatIsNotOpenatAndMmapAreRequired() throws Exception {
        Sweep sweep = sweep("hello", "{}");
        helloNames = sweep.referenceNames();

        assertThat(sweep.referenceNames()).as("hello's reference run made them").containsAll(STUBBED_ON_UNIKRAFT);
        assertThat(sweep.names("stubbable")).as(sweep.report().asString()).containsAll(STUBBED_ON_UNIKRAFT);
        assertThat(sweep.classOf("mknodat")).as("the debugger pipe CoreCLR 2.0 creates regardless of COMPlus_EnableDiagnostics")
                .isIn("required", "fakeable");
        assertThat(sweep.classOf("openat")).isEqualTo("required");
        assertThat(sweep.classOf("mmap")).isEqualTo("required");
        assertThat(sweep.report().<Integer>path("baseline.exitCode")).isZero();
        assertThat(sweep.report().<Object>path("baseline.httpStatus")).as("judged by exit and output").isNull();
    }

    @Test
    @Order(2)
    void testNosys_itsDeliberateDependencyIsRequiredAndItsEnosysCallStubbable() throws Exception {
        Sweep sweep = sweep("nosys", "{}");

        assertThat(sweep.referenceNames()).contains("afs_syscall", "memfd_create");
        // the memory file it keeps a line in: stubbed it says so and exits 1, faked (fd 0) it reads nothing back
        assertThat(sweep.classOf("memfd_create")).as(sweep.report().asString()).isEqualTo("required");
        assertThat(sweep.report().<String>path("syscalls.find { it.name == 'memfd_create' }.evidence.stub.firstDifference"))
                .contains("memfd_create failed, errno 38");
        assertThat(sweep.report().<Integer>path("syscalls.find { it.name == 'memfd_create' }.evidence.fake.exitCode")).isEqualTo(1);
        // Linux answers afs_syscall with ENOSYS itself: the app's output with it stubbed is the baseline's
        assertThat(sweep.classOf("afs_syscall")).isEqualTo("stubbable");
        assertThat(sweep.report().<String>path("syscalls.find { it.name == 'afs_syscall' }.evidence.stub.verdict")).isEqualTo("pass");
    }

    @Test
    @Order(3)
    void testEchoHttp_judgedByHttpAndItsRequestPathsSyscallIsNeeded() throws Exception {
        Sweep sweep = sweep("echo-http", "{\"port\": 8080}");

        assertThat(sweep.report().<Integer>path("baseline.httpStatus")).as("judged by its answer").isEqualTo(200);
        Set<String> requestPath = new TreeSet<>(sweep.referenceNames());
        requestPath.removeAll(helloNames());
        System.out.println("echo-http's syscalls hello does not make: " + requestPath);
        assertThat(requestPath).contains("accept4");
        assertThat(sweep.classOf("accept4")).as(sweep.report().asString()).isIn("required", "fakeable");
        assertThat(sweep.report().<Integer>path("syscalls.find { it.name == 'accept4' }.evidence.stub.httpStatus"))
                .as("the stub trial's answer").isNotNull().isNotEqualTo(200);
    }

    /** hello's reference names: its sweep's (run first), or a reference run's when that test is not run. */
    private static Set<String> helloNames() {
        if (helloNames == null) {
            helloNames = reference(upload("hello", "{}"));
        }
        return helloNames;
    }

    private Sweep sweep(String sample, String spec) throws Exception {
        String app = upload(sample, spec);
        long referenceStart = System.nanoTime();
        Set<String> names = reference(app);
        long referenceMillis = (System.nanoTime() - referenceStart) / 1_000_000;

        String path = "/api/v1/apps/" + app + "/coverage/needs";
        long sweepStart = System.nanoTime();
        Response started = api().post(path);
        started.then().statusCode(202);
        assertThat(started.<String>path("state")).isEqualTo("Running");
        assertThat(started.<String>path("runId")).startsWith("n-");
        int planned = started.path("trialsPlanned");
        List<JsonNode> progress = new ArrayList<>();
        JsonNode end = events(app, progress);
        long sweepMillis = (System.nanoTime() - sweepStart) / 1_000_000;
        Response report = api().get(path);
        report.then().statusCode(200);

        assertThat(end.get("state").asText()).as(end.toString()).isEqualTo("Done");
        assertThat(report.<String>path("state")).isEqualTo("Done");
        assertThat(report.<Integer>path("trialsDone")).isEqualTo(report.<Integer>path("trials")).isLessThanOrEqualTo(planned);
        assertThat(progress).as("progress while it ran").isNotEmpty();
        assertThat(progress.stream().mapToInt(p -> p.get("trialsDone").asInt()).toArray()).as("trials only add up").isSorted();
        Map<String, List<String>> classes = report.path("classes");
        System.out.printf("needs sweep %s: reference run %d ms, sweep %d ms (%.1f x), %d trials in one boot (%d planned), %d syscalls:"
                + " %d required, %d fakeable, %d stubbable, %d untried; shares %s; %s%n", sample, referenceMillis, sweepMillis,
                sweepMillis / (double) referenceMillis, report.<Integer>path("trials"), planned, names.size(), classes.get("required").size(),
                classes.get("fakeable").size(), classes.get("stubbable").size(), classes.get("untried").size(),
                report.<Map<String, Object>>path("shares"), classes);
        System.out.println("needs sweep " + sample + " report: " + report.asString());
        return new Sweep(app, names, report, referenceMillis, sweepMillis);
    }

    /** A reference run of the app to Done; its syscall names. */
    private static Set<String> reference(String app) {
        String coverage = "/api/v1/apps/" + app + "/coverage";
        api().post(coverage + "/reference").then().statusCode(202);
        await().atMost(REFERENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> !List.of("Running", "Waiting").contains(api().get(coverage).path("runs[0].state")));
        Response report = api().get(coverage);
        assertThat(report.<String>path("runs[0].state")).as(report.asString()).isEqualTo("Done");
        return new TreeSet<>(report.<Map<String, Object>>path("kernels.find { it.kernel == 'linux' }.observed.counts").keySet());
    }

    /** Follows the sweep's events to their end, collecting the progress ones; the end event's data. */
    private static JsonNode events(String app, List<JsonNode> progress) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port + "/api/v1/apps/"
                        + app + "/coverage/needs/events")).header("Authorization", "Bearer " + FarmClient.token())
                .timeout(Duration.ofMinutes(1)).build();
        HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        String event = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring("event: ".length());
                } else if (line.startsWith("data: ") && "progress".equals(event)) {
                    progress.add(JSON.readTree(line.substring("data: ".length())));
                } else if (line.startsWith("data: ") && "end".equals(event)) {
                    return JSON.readTree(line.substring("data: ".length()));
                }
            }
        }
        throw new AssertionError("the sweep's events ended without an end event");
    }

    private static String upload(String sample, String spec) {
        String app = FarmClient.uniqueName(sample);
        api().multiPart("name", app).multiPart("bundle", FarmClient.sample(sample).toFile()).multiPart("spec", spec)
                .when().post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");
        return app;
    }

    /** One sample's reference names and sweep report. */
    private record Sweep(String app, Set<String> referenceNames, Response report, long referenceMillis, long sweepMillis) {

        Set<String> names(String needClass) {
            return new TreeSet<>(report.<List<String>>path("classes." + needClass));
        }

        String classOf(String syscall) {
            return report.path("syscalls.find { it.name == '" + syscall + "' }.class");
        }
    }
}
