package dev.unifarm.api.coverage;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static dev.unifarm.api.testing.FarmMetrics.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * The coverage report and metrics after real reference runs (real QEMU, kernel, CoreCLR, Debian's
 * strace in the guest) of the samples, and its bad-input answers.
 */
@QuarkusTest
class CoverageApiTest {

    /** Build + traced boot under TCG on a shared machine: generous. */
    private static final Duration REFERENCE = Duration.ofMinutes(5);

    /**
     * {@code ending}: a syscall of how the sample's run ends — hello exits, crash aborts (SIGABRT
     * through tgkill), echo-http serves one {@code GET /} (accept4) and is powered down, ticker never
     * ends and is powered down after the settle time; {@code how}: the run record's message.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hello     | {}             | exit_group | the app ended by itself (Succeeded, exit code 0)",
        "crash     | {}             | tgkill     | the app ended by itself (Failed, exit code 134)",
        "echo-http | {\"port\": 8080} | accept4    | answered GET / with \"HTTP/1.1 200 OK\", then powered down: the app ended on SIGTERM (exit code 0)",
        "ticker    | {}             | exit_group | after its first console line, then powered down: the app ended on SIGTERM (exit code 0)"})
    void testReference_runsAndTheReportShowsPredictedAndObservedCoverage(String sample, String spec, String ending, String how) {
        String app = upload(sample, spec);

        Response started = FarmClient.api().post("/api/v1/apps/" + app + "/coverage/reference");
        started.then().statusCode(202);
        assertThat(started.<String>path("state")).isEqualTo("Running");
        String runId = started.path("runId");
        String path = "/api/v1/apps/" + app + "/coverage";
        await().atMost(REFERENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> !List.of("Running", "Waiting").contains(FarmClient.api().get(path).path("runs[0].state")));
        Response report = FarmClient.api().get(path);
        System.out.println(sample + " coverage report: " + report.asString());

        report.then().statusCode(200);
        assertThat(report.<String>path("runs[0].runId")).isEqualTo(runId);
        assertThat(report.<String>path("runs[0].state")).as(report.asString()).isEqualTo("Done");
        assertThat(report.<String>path("runs[0].message")).as("how the run ended").endsWith(how);
        assertThat(report.<Integer>path("revision")).isEqualTo(1);
        Map<String, Object> linux = report.path("kernels.find { it.kernel == 'linux' }");
        assertThat(report.<Float>path("kernels.find { it.kernel == 'linux' }.predicted.distinct")).as("linux implements all").isEqualTo(1.0f);
        assertThat(report.<List<String>>path("kernels.find { it.kernel == 'linux' }.predicted.missing")).isEmpty();
        assertThat(report.<String>path("kernels.find { it.kernel == 'linux' }.observed.runId")).isEqualTo(runId);
        List<String> ok = report.path("kernels.find { it.kernel == 'linux' }.observed.ok");
        List<String> error = report.path("kernels.find { it.kernel == 'linux' }.observed.error");
        assertThat(ok).as(linux.toString()).contains("mmap", "execve", ending);
        assertThat(error).as("CoreCLR probes files that do not exist").contains("openat");
        assertThat(report.<Integer>path("kernels.find { it.kernel == 'linux' }.observed.counts.mmap")).isPositive();
        double distinct = report.<Float>path("kernels.find { it.kernel == 'linux' }.observed.distinct");
        assertThat(distinct).isBetween(0.0, 1.0).isEqualTo((double) ok.size() / report.<Map<String, Object>>path(
                "kernels.find { it.kernel == 'linux' }.observed.counts").size(), org.assertj.core.data.Offset.offset(1e-6));

        Response diff = FarmClient.api().queryParam("against", "linux").get(path);
        diff.then().statusCode(200);
        assertThat(diff.<List<Object>>path("diff.changes")).as("a kernel against itself").isEmpty();
        Response runDiff = FarmClient.api().queryParam("against", runId).get(path);
        assertThat(runDiff.<String>path("diff.left")).isEqualTo(runId);
        assertThat(runDiff.<List<Object>>path("diff.changes")).as("a run against itself").isEmpty();

        String metrics = metrics();
        assertThat(value(metrics, "unifarm_syscalls_total{app=\"" + app + "\",outcome=\"ok\",syscall=\"mmap\"}")).isPositive();
        assertThat(value(metrics, "unifarm_syscalls_total{app=\"" + app + "\",outcome=\"error\",syscall=\"openat\"}")).isPositive();
        assertThat(value(metrics, "unifarm_syscall_coverage_ratio{app=\"" + app + "\",kernel=\"linux\",kind=\"predicted\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "unifarm_syscall_coverage_ratio{app=\"" + app + "\",kernel=\"linux\",kind=\"observed\"}"))
                .isEqualTo(distinct, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void testReference_appIgnoringSigtermFailsSayingSo() {
        String app = upload("graceful", "{\"args\": [\"stuck\"]}");

        FarmClient.api().post("/api/v1/apps/" + app + "/coverage/reference").then().statusCode(202);
        String path = "/api/v1/apps/" + app + "/coverage";
        await().atMost(REFERENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> !List.of("Running", "Waiting").contains(FarmClient.api().get(path).path("runs[0].state")));
        Response report = FarmClient.api().get(path);
        System.out.println("graceful stuck coverage report: " + report.asString());

        assertThat(report.<String>path("runs[0].state")).isEqualTo("Failed");
        assertThat(report.<String>path("runs[0].message")).startsWith("no strace output on the console (Stopped, Quit")
                .contains("then powered down, but the app did not end on SIGTERM");
        assertThat(report.<Object>path("kernels.find { it.kernel == 'linux' }.observed")).as("no run to observe").isNull();
    }

    @Test
    void testReference_injectedEnosysShowsTheDiagnosisAndStaysOutOfTheCoverage() {
        String app = upload("hello", "{}");
        String path = "/api/v1/apps/" + app + "/coverage";

        Response started = FarmClient.api().contentType("application/json").body("{\"failSyscalls\": [\"mknodat\"]}")
                .post(path + "/reference");
        started.then().statusCode(202);
        assertThat(started.<String>path("source")).isEqualTo("injected");
        String runId = started.path("runId");
        await().atMost(REFERENCE).pollInterval(Duration.ofSeconds(1))
                .until(() -> !List.of("Running", "Waiting").contains(FarmClient.api().get(path).path("runs[0].state")));
        Response report = FarmClient.api().get(path);
        System.out.println("hello with mknodat failed, coverage report: " + report.asString());

        assertThat(report.<String>path("runs[0].runId")).isEqualTo(runId);
        assertThat(report.<String>path("runs[0].state")).as(report.asString()).isEqualTo("Done");
        assertThat(report.<String>path("runs[0].message")).startsWith("strace failed mknodat with ENOSYS; the app ended by itself (Failed,")
                .contains("SyscallNotImplemented: the kernel does not implement mknodat");
        assertThat(report.<Object>path("kernels.find { it.kernel == 'linux' }.predicted")).as("not a reference profile").isNull();
        assertThat(report.<Object>path("kernels.find { it.kernel == 'linux' }.observed")).as("not the kernel's coverage").isNull();
        Response self = FarmClient.api().queryParam("against", runId).get(path);
        self.then().statusCode(200);
        assertThat(self.<List<Object>>path("diff.changes")).as("the run is there to compare with").isEmpty();

        Response bad = FarmClient.api().contentType("application/json").body("{\"failSyscalls\": [\"mknod_at\"]}")
                .post(path + "/reference");
        bad.then().statusCode(400).contentType("application/problem+json");
        assertThat(bad.<String>path("type")).endsWith("unknown-syscall");
        assertThat(bad.<String>path("detail")).contains("'mknod_at'").contains("not a Linux x86_64 syscall name");
        Response misspelt = FarmClient.api().contentType("application/json").body("{\"failSyscall\": [\"mknodat\"]}")
                .post(path + "/reference");
        misspelt.then().statusCode(400).contentType("application/problem+json");
        assertThat(misspelt.<String>path("detail")).contains("failSyscall");
    }

    @Test
    void testCoverage_badInputIsProblemJson() {
        FarmClient.api().get("/api/v1/apps/no-such-app/coverage").then().statusCode(404).contentType("application/problem+json");
        FarmClient.api().post("/api/v1/apps/no-such-app/coverage/reference").then().statusCode(404)
                .contentType("application/problem+json");
        String app = FarmClient.uniqueName("hello");
        FarmClient.upload(app, FarmClient.sample("hello")).then().statusCode(201);
        Response bad = FarmClient.api().queryParam("against", "no-such-kernel-or-run").get("/api/v1/apps/" + app + "/coverage");
        bad.then().statusCode(400).contentType("application/problem+json");
        assertThat(bad.<String>path("detail")).contains("neither a kernel profile");
        Response empty = FarmClient.api().get("/api/v1/apps/" + app + "/coverage");
        empty.then().statusCode(200);
        assertThat(empty.<List<Object>>path("runs")).isEmpty();
        assertThat(empty.<Object>path("kernels[0].predicted")).as("no reference run yet").isNull();
    }

    private static String upload(String sample, String spec) {
        String app = FarmClient.uniqueName(sample);
        FarmClient.api().multiPart("name", app).multiPart("bundle", FarmClient.sample(sample).toFile()).multiPart("spec", spec)
                .when().post("/api/v1/apps").then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");
        return app;
    }
}
