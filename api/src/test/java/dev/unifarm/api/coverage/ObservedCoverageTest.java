package dev.unifarm.api.coverage;

import dev.unifarm.api.coverage.CoverageGauges;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.RecordedUnikraftInstance;
import dev.unifarm.scheduler.InstanceState;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static dev.unifarm.api.testing.FarmMetrics.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * Observed coverage and console views of Unikraft instances: recorded consoles of a real app-elfloader
 * as instance consoles ({@link RecordedUnikraftInstance}). A {@code linux} instance is booted for real.
 */
@QuarkusTest
class ObservedCoverageTest {

    private static final String KERNEL = RecordedUnikraftInstance.KERNEL;
    private static final Duration PARSED = Duration.ofSeconds(30);

    @Inject
    InstanceService instances;

    @Inject
    InstanceRepository records;

    @Inject
    FarmDirs dirs;

    @Inject
    CoverageGauges gauges;

    @Inject
    MeterRegistry registry;

    @ParameterizedTest
    @CsvSource({"dotnet-9p-ok.log,Stopped,Hello from .NET on Unix 5.15.148.0 pid 1",
            "dotnet-9p-mknodat-enosys.log,Failed,'Failed to initialize CoreCLR, HRESULT: 0x80004005'"})
    void testInstanceEnd_unikraftConsoleGivesObservedCoverage(String recording, InstanceState end, String appLine)
            throws IOException {
        String app = uploadUnikraftApp();
        String id = unikraftInstanceEnded(app, recording, end);

        String path = "/api/v1/apps/" + app + "/coverage";
        await().atMost(PARSED).pollInterval(Duration.ofMillis(200))
                .until(() -> FarmClient.api().get(path).<List<Object>>path("runs").size() == 1);
        Response report = FarmClient.api().get(path);
        System.out.println(recording + " observed coverage: " + report.asString());
        report.then().statusCode(200);
        assertThat(report.<String>path("runs[0].runId")).isEqualTo(id);
        assertThat(report.<String>path("runs[0].source")).isEqualTo("observed");
        assertThat(report.<String>path("runs[0].kernel")).isEqualTo(KERNEL);
        assertThat(report.<String>path("runs[0].state")).isEqualTo("Done");
        String observed = "kernels.find { it.kernel == '" + KERNEL + "' }.observed";
        assertThat(report.<String>path(observed + ".runId")).isEqualTo(id);
        List<String> enosys = report.path(observed + ".enosys");
        assertThat(enosys).contains("set_robust_list", "rseq", "clone3", "faccessat2");
        assertThat(report.<List<String>>path(observed + ".ok")).contains("mmap", "read", "write");
        assertThat(report.<List<String>>path(observed + ".error")).as("files the runtime probes and does not find").contains("openat");
        assertThat(report.<Integer>path(observed + ".counts.write")).isPositive();
        assertThat(report.<Object>path("kernels.find { it.kernel == 'linux' }.observed")).as("no linux run").isNull();
        if (recording.contains("mknodat")) {
            assertThat(enosys).contains("mknodat");
        }
        double distinct = report.<Float>path(observed + ".distinct");
        assertThat(distinct).isBetween(0.0, 1.0);

        String metrics = metrics();
        assertThat(value(metrics, "unifarm_syscalls_total{app=\"" + app + "\",outcome=\"enosys\",syscall=\"rseq\"}")).isPositive();
        assertThat(value(metrics, "unifarm_syscalls_total{app=\"" + app + "\",outcome=\"ok\",syscall=\"mmap\"}")).isPositive();
        assertThat(value(metrics, ratio(app, "observed"))).isEqualTo(distinct, org.assertj.core.data.Offset.offset(1e-6));

        String console = "/api/v1/instances/" + id + "/console";
        String appView = FarmClient.api().queryParam("view", "app").get(console).then().statusCode(200).extract().asString();
        String traceView = FarmClient.api().queryParam("view", "trace").get(console).then().statusCode(200).extract().asString();
        String kernelView = FarmClient.api().queryParam("view", "kernel").get(console).then().statusCode(200).extract().asString();
        String all = FarmClient.api().get(console).then().statusCode(200).extract().asString();
        assertThat(appView).contains(appLine).doesNotContain("openat(").doesNotContain("Info: [libkvmplat]");
        assertThat(traceView).contains("rseq(").contains(") = ").doesNotContain(appLine).doesNotContain("Info: [libkvmplat]");
        assertThat(kernelView).contains("Info: [libkvmplat]").doesNotContain(appLine).doesNotContain("rseq(");
        assertThat(all).contains(appLine).contains("rseq(").contains("Info: [libkvmplat]");
        assertThat(FarmClient.api().queryParam("view", "all").get(console).asString()).isEqualTo(all);
    }

    /** The kernel halted before the app (app-elfloader 0.16.3 on TCG's default CPU): no trace because the app never ran. */
    @Test
    void testInstanceEnd_kernelThatStoppedBeforeTheAppSaysTheAppNeverStarted() throws IOException {
        String app = uploadUnikraftApp();
        String id = new RecordedUnikraftInstance(instances, records, dirs).ended(app, "unikraft-0.16.3",
                "farm-tcg-default-cpu-no-1gib-pages.log", InstanceState.Failed);

        String path = "/api/v1/apps/" + app + "/coverage";
        await().atMost(PARSED).pollInterval(Duration.ofMillis(200))
                .until(() -> FarmClient.api().get(path).<List<Object>>path("runs").size() == 1);
        Response report = FarmClient.api().get(path);
        System.out.println("halted kernel's observed run: " + report.<String>path("runs[0].message"));
        assertThat(report.<String>path("runs[0].runId")).isEqualTo(id);
        assertThat(report.<String>path("runs[0].state")).isEqualTo("Failed");
        assertThat(report.<String>path("runs[0].message")).contains("the app never started")
                .contains("CRIT: [libkvmplat] <setup.c @  111> Mem init failed: -95").doesNotContain("CONFIG_LIBSYSCALL_SHIM_STRACE");
    }

    /** A Unikraft run that failed under another reason (here VmExited) is counted by its console's diagnosis. */
    @Test
    void testInstanceEnd_unikraftFailureIsCountedUnderItsConsoleDiagnosis() throws IOException {
        String app = uploadUnikraftApp();
        new RecordedUnikraftInstance(instances, records, dirs).ended(app, "unikraft-0.16.3", "farm-stock-mknodat-enosys.log",
                InstanceState.Failed);

        String series = "unifarm_diagnoses_total{app=\"" + app + "\",reason=\"SyscallNotImplemented\"}";
        await().atMost(PARSED).pollInterval(Duration.ofMillis(200)).until(() -> metrics().contains(series + " "));
        assertThat(value(metrics(), series)).isEqualTo(1.0);
        assertThat(metrics()).doesNotContain("unifarm_diagnoses_total{app=\"" + app + "\",reason=\"VmExited\"}");
    }

    @Test
    void testStartup_gaugesComeBackFromTheStoredRuns() throws IOException {
        String app = uploadUnikraftApp();
        unikraftInstanceEnded(app, "dotnet-9p-ok.log", InstanceState.Stopped);
        await().atMost(PARSED).pollInterval(Duration.ofMillis(200)).until(() -> metrics().contains(ratio(app, "observed")));
        double before = value(metrics(), ratio(app, "observed"));

        // A restarted farm starts with an empty registry: the stored run is all it has.
        registry.find("unifarm.syscall.coverage.ratio").tag("app", app).meters().forEach(registry::remove);
        assertThat(metrics()).doesNotContain(ratio(app, "observed"));
        gauges.atStart(null);

        assertThat(value(metrics(), ratio(app, "observed"))).isEqualTo(before);
    }

    @Test
    void testConsoleView_linuxInstanceBootedForReal() {
        String app = FarmClient.readyApp("hello", "hello");
        String id = FarmClient.startInstance(app);
        assertThat(FarmClient.awaitEnded(id).<String>path("state")).isEqualTo("Succeeded");

        String console = "/api/v1/instances/" + id + "/console";
        String appView = FarmClient.api().queryParam("view", "app").get(console).then().statusCode(200).extract().asString();
        assertThat(appView).contains("Hello from Unifarm!").doesNotContain("Kernel panic");
        assertThat(FarmClient.api().queryParam("view", "trace").get(console).then().statusCode(200).extract().asString())
                .as("linux has no syscall trace on the console").isEmpty();
        assertThat(FarmClient.api().queryParam("view", "kernel").get(console).then().statusCode(200).extract().asString())
                .contains("Attempted to kill init!").doesNotContain("Hello from Unifarm!");
        assertThat(FarmClient.api().get("/api/v1/apps/" + app + "/coverage").<List<Object>>path("runs"))
                .as("a linux instance's console has no trace to store").isEmpty();
    }

    @Test
    void testConsoleView_badViewIsProblemJson() throws IOException {
        String app = uploadUnikraftApp();
        String id = unikraftInstanceEnded(app, "static-pie-9p-ok.log", InstanceState.Stopped);
        String console = "/api/v1/instances/" + id + "/console";

        Response unknown = FarmClient.api().queryParam("view", "stdout").get(console);
        unknown.then().statusCode(400).contentType("application/problem+json");
        assertThat(unknown.<String>path("detail")).contains("all, app, trace, kernel");
        // view=app can be followed (the README's walk-through does); the trace is read once the run has ended.
        Response followed = FarmClient.api().queryParam("view", "trace").queryParam("follow", "true").get(console);
        followed.then().statusCode(400).contentType("application/problem+json");
        assertThat(followed.<String>path("detail")).contains("follow=true");
        FarmClient.api().queryParam("view", "app").get("/api/v1/instances/i-no-such/console").then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static String uploadUnikraftApp() {
        return RecordedUnikraftInstance.uploadApp();
    }

    private String unikraftInstanceEnded(String app, String recording, InstanceState end) throws IOException {
        return new RecordedUnikraftInstance(instances, records, dirs).ended(app, recording, end);
    }

    private static String ratio(String app, String kind) {
        return "unifarm_syscall_coverage_ratio{app=\"" + app + "\",kernel=\"" + KERNEL + "\",kind=\"" + kind + "\"}";
    }
}
