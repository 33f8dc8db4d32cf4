package dev.unifarm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.coverage.NeedsMetrics;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.api.testing.RecordedUnikraftInstance;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.coverage.NeedsConsole;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * The Grafana dashboards in {@code helm/unifarm/dashboards/} against a real Prometheus scraping a farm
 * that has run the samples for real (QEMU, kernel, CoreCLR): every panel's PromQL returns at least one
 * series with a number, every template variable has values, and every metric a panel names is one the
 * farm exports at {@code /q/metrics}.
 */
@QuarkusTest
@TestProfile(DashboardsTest.WithPrometheus.class)
class DashboardsTest {

    public static class WithPrometheus implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrometheusServer.class));
        }
    }

    static final Path DASHBOARDS = Path.of("..", "helm", "unifarm", "dashboards");
    private static final Duration RUN = Duration.ofMinutes(5);
    private static final Duration GATEWAY_REQUEST = Duration.ofMinutes(4);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)");

    /**
     * A needs sweep's console in {@code NeedsConsole}'s protocol, hand-made (a stand-in until a sweep boots here): its
     * result is what a finished sweep hands {@link NeedsMetrics#needsFinished}.
     */
    private static final List<String> HELLO_SWEEP = List.of(
            "unifarm-needs-begin clone3,mknodat,mlock,mmap,openat,rseq",
            "unifarm-needs-trial 0 baseline - pass 0 900 -",
            "unifarm-needs-trial 1 stub clone3 pass 0 880 -",
            "unifarm-needs-trial 2 stub mknodat fail 134 400 - Unhandled exception.",
            "unifarm-needs-trial 3 fake mknodat fail 134 420 - Unhandled exception.",
            "unifarm-needs-trial 4 stub mlock fail 134 410 - Unhandled exception.",
            "unifarm-needs-trial 5 fake mlock pass 0 870 -",
            "unifarm-needs-trial 6 stub mmap fail 134 300 - Unhandled exception.",
            "unifarm-needs-trial 7 stub openat fail 131 200 - Unhandled exception.",
            "unifarm-needs-trial 8 fake openat fail 131 200 - Unhandled exception.",
            "unifarm-needs-trial 9 stub rseq pass 0 860 -",
            "unifarm-needs-end 10 complete");

    @Inject
    GatewayServer gateway;

    @Inject
    NeedsMetrics needs;

    @Inject
    InstanceService instances;

    @Inject
    InstanceRepository records;

    @Inject
    FarmDirs dirs;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void testDashboards_everyPanelQueryReturnsSeriesFromAFarmThatRanTheSamples() throws Exception {
        List<Dashboard> dashboards = dashboards();
        assertThat(dashboards).as("dashboards in " + DASHBOARDS).hasSizeGreaterThanOrEqualTo(3);

        Farm farm = runTheSamples();
        Instant end = Instant.now();
        awaitScrapedAfter(end.plus(PrometheusServer.SCRAPE_INTERVAL.multipliedBy(3)));

        String exported = metrics();
        Set<String> exportedNames = sampleNames(exported);
        // The rate windows span the whole run: Prometheus started before the farm.
        long window = Duration.between(PrometheusServer.startedAt(), Instant.now()).toSeconds() + 60;
        Map<String, String> values = Map.of("app", ".*", "kernel", ".*", "__rate_interval", window + "s",
                "__range", window + "s", "__interval", "15s", "__range_s", Long.toString(window));

        SoftAssertions soft = new SoftAssertions();
        for (Dashboard dashboard : dashboards) {
            for (JsonNode variable : dashboard.model().path("templating").path("list")) {
                Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
                if (m.matches()) {
                    List<String> found = labelValues(m.group(1), m.group(2));
                    soft.assertThat(found).as("%s: variable %s (%s) has values", dashboard.uid(), variable.path("name").asText(),
                            m.group()).isNotEmpty();
                }
            }
            for (JsonNode panel : dashboard.model().path("panels")) {
                String where = dashboard.uid() + "/" + panel.path("title").asText();
                soft.assertThat(panel.path("targets").size()).as("%s has targets", where).isPositive();
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    Set<String> names = PromQlNames.of(expr);
                    soft.assertThat(names).as("%s: metrics named by %s", where, expr).isNotEmpty();
                    for (String name : names) {
                        soft.assertThat(exportedNames).as("%s: %s is exported at /q/metrics (expr %s)", where, name, expr)
                                .contains(name);
                    }
                    String query = substitute(expr, values);
                    JsonNode answer = query(query);
                    soft.assertThat(answer.path("status").asText()).as("%s: %s → %s", where, query, answer).isEqualTo("success");
                    soft.assertThat(answer.toString()).as("%s: no farm label renamed for clashing with a target label (%s)",
                            where, query).doesNotContain("\"exported_");
                    List<String> series = numbers(answer);
                    for (JsonNode result : answer.path("data").path("result")) {
                        Matcher legend = LEGEND_LABEL.matcher(target.path("legendFormat").asText());
                        while (legend.find()) {
                            soft.assertThat(result.path("metric").has(legend.group(1)))
                                    .as("%s: legend label %s in series %s", where, legend.group(1), result.path("metric")).isTrue();
                        }
                    }
                    System.out.println("dashboard " + where + " [" + target.path("refId").asText() + "] " + query + " → " + series);
                    soft.assertThat(series).as("%s: series with a number from %s (answer %s)", where, query, answer)
                            .isNotEmpty();
                }
            }
        }
        farm.stop();
        soft.assertAll();
    }

    @Test
    void testDashboards_validJsonUniqueUidsUnifarmTagAndDatasourceVariable() throws IOException {
        List<Dashboard> dashboards = dashboards();
        Set<String> uids = new HashSet<>();
        for (Dashboard dashboard : dashboards) {
            JsonNode model = dashboard.model();
            assertThat(dashboard.uid()).as(dashboard.file().toString()).isNotBlank();
            assertThat(uids.add(dashboard.uid())).as("uid %s is unique (%s)", dashboard.uid(), dashboard.file()).isTrue();
            assertThat(model.path("tags").toString()).as(dashboard.uid()).contains("\"unifarm\"");
            assertThat(model.path("schemaVersion").asInt()).as(dashboard.uid()).isGreaterThanOrEqualTo(36);
            Set<String> variables = new TreeSet<>();
            model.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
            assertThat(variables).as(dashboard.uid()).contains("datasource", "app");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : model.path("panels")) {
                assertThat(ids.add(panel.path("id").asInt())).as("%s: panel id %s unique", dashboard.uid(), panel.path("id")).isTrue();
                assertThat(panel.path("datasource").path("uid").asText()).as("%s/%s", dashboard.uid(), panel.path("title"))
                        .isEqualTo("${datasource}");
                for (JsonNode target : panel.path("targets")) {
                    Matcher m = VARIABLE.matcher(target.path("expr").asText());
                    while (m.find()) {
                        String name = m.group(1);
                        assertThat(name.startsWith("__") || variables.contains(name))
                                .as("%s/%s uses $%s, which the dashboard defines", dashboard.uid(), panel.path("title"), name)
                                .isTrue();
                    }
                }
            }
        }
    }

    /** What the farm did, so the test can stop what still runs. */
    private record Farm(List<String> live) {
        void stop() {
            live.forEach(id -> api().delete("/api/v1/instances/" + id).then().statusCode(200));
        }
    }

    /**
     * hello (Succeeded), crash (Failed → a diagnosis), crash with {@code OnFailure} (restarts), reference
     * runs of hello and nosys (syscall counts, an {@code enosys}, coverage ratios), echo-http through the
     * gateway twice across a scale to zero (cold starts, gateway latency), ticker left running (QEMU memory),
     * a recorded Unikraft run's console as an instance's (observed coverage, {@code stubbed} outcomes: no
     * Unikraft kernel boots here, {@link RecordedUnikraftInstance}), and a needs sweep of hello ({@link #HELLO_SWEEP}).
     */
    private Farm runTheSamples() throws Exception {
        String hello = uploadBuilt("hello", null);
        String crash = uploadBuilt("crash", null);
        String restarting = uploadBuilt("crash", "{\"restartPolicy\": \"OnFailure\", \"memoryMiB\": 384}");
        String nosys = uploadBuilt("nosys", null);
        String echo = uploadBuilt("echo-http", "{\"port\": 8090, \"env\": {\"PORT\": \"8090\"}, \"memoryMiB\": 384,"
                + " \"scaling\": {\"minInstances\": 0, \"maxInstances\": 1, \"idleTimeout\": \"PT5S\"}}");
        String ticker = uploadBuilt("ticker", "{\"memoryMiB\": 384}");

        List<String> references = new ArrayList<>();
        for (String app : List.of(hello, nosys)) {
            FarmClient.api().post("/api/v1/apps/" + app + "/coverage/reference").then().statusCode(202);
            references.add(app);
        }
        String helloId = FarmClient.startInstance(hello);
        String crashId = FarmClient.startInstance(crash);
        assertThat(FarmClient.awaitEnded(helloId).<String>path("state")).isEqualTo("Succeeded");
        Response crashed = FarmClient.awaitEnded(crashId);
        assertThat(crashed.<String>path("reason")).as(crashed.asString()).isEqualTo("UnhandledException");

        String restartingId = FarmClient.startInstance(restarting);
        await().atMost(RUN).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Integer restarts = api().get("/api/v1/instances/" + restartingId).path("restarts");
                    return restarts != null && restarts >= 1;
                });
        api().delete("/api/v1/instances/" + restartingId).then().statusCode(200);

        assertThat(get(echo, "/first").statusCode()).isEqualTo(200);
        // Scale to zero after idleTimeout; the next request is a second cold start.
        await().atMost(RUN).pollInterval(Duration.ofMillis(500)).until(() -> api().get("/api/v1/instances?app=" + echo)
                .<List<String>>path("items.id").stream().allMatch(id -> "Stopped".equals(api().get("/api/v1/instances/" + id)
                        .path("state"))));
        HttpResponse<String> second = get(echo, "/second");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);

        for (String app : references) {
            String path = "/api/v1/apps/" + app + "/coverage";
            await().atMost(RUN).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !List.of("Running", "Waiting").contains(api().get(path).path("runs[0].state")));
            Response report = api().get(path);
            assertThat(report.<String>path("runs[0].state")).as(report.asString()).isEqualTo("Done");
        }
        assertThat(api().get("/api/v1/apps/" + nosys + "/coverage").<List<String>>path(
                "kernels.find { it.kernel == 'linux' }.observed.enosys")).contains("afs_syscall");
        needs.needsFinished(hello, NeedsConsole.parse(HELLO_SWEEP, List.of("clone3", "mknodat", "mlock", "mmap", "openat", "rseq")));

        String unikraft = RecordedUnikraftInstance.uploadApp();
        new RecordedUnikraftInstance(instances, records, dirs).ended(unikraft, "dotnet-9p-ok.log", InstanceState.Stopped);
        await().atMost(RUN).pollInterval(Duration.ofMillis(500)).until(() -> api().get("/api/v1/apps/" + unikraft + "/coverage")
                .<List<String>>path("kernels.find { it.kernel == '" + RecordedUnikraftInstance.KERNEL + "' }.observed.stubbed")
                != null);
        assertThat(api().get("/api/v1/apps/" + unikraft + "/coverage").<List<String>>path(
                "kernels.find { it.kernel == '" + RecordedUnikraftInstance.KERNEL + "' }.observed.stubbed"))
                .contains("sched_getaffinity");

        String tickerId = FarmClient.startInstance(ticker);
        await().atMost(RUN).pollInterval(Duration.ofMillis(500))
                .until(() -> "Running".equals(api().get("/api/v1/instances/" + tickerId).path("state")));
        return new Farm(List.of(tickerId));
    }

    private String uploadBuilt(String sample, String spec) {
        String app = FarmClient.uniqueName(sample);
        var request = api().multiPart("name", app).multiPart("bundle", FarmClient.sample(sample).toFile());
        if (spec != null) {
            request = request.multiPart("spec", spec);
        }
        request.when().post("/api/v1/apps").then().statusCode(201);
        Response built = FarmClient.awaitBuilt(app, 1);
        assertThat(built.<String>path("state")).as(built.asString()).isEqualTo("Ready");
        return app;
    }

    private HttpResponse<String> get(String app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/" + app + path))
                .timeout(GATEWAY_REQUEST).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until Prometheus has scraped the farm, successfully, after {@code after}. */
    private void awaitScrapedAfter(Instant after) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode target = prometheus("/api/v1/targets?state=active").path("data").path("activeTargets").path(0);
            return "up".equals(target.path("health").asText())
                    && Instant.parse(target.path("lastScrape").asText()).isAfter(after);
        });
    }

    private JsonNode query(String promql) throws Exception {
        return prometheus("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private List<String> labelValues(String metric, String label) throws Exception {
        JsonNode answer = prometheus("/api/v1/label/" + label + "/values?match[]=" + URLEncoder.encode(metric, StandardCharsets.UTF_8));
        List<String> values = new ArrayList<>();
        answer.path("data").forEach(v -> values.add(v.asText()));
        return values;
    }

    private JsonNode prometheus(String pathAndQuery) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(PrometheusServer.url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(answer.body());
    }

    /** The instant vector's series that hold a number (NaN, e.g. a quantile of no observations, is no answer). */
    private static List<String> numbers(JsonNode answer) {
        List<String> series = new ArrayList<>();
        for (JsonNode result : answer.path("data").path("result")) {
            String value = result.path("value").path(1).asText();
            if (!value.isEmpty() && !value.equals("NaN")) {
                series.add(result.path("metric") + "=" + value);
            }
        }
        return series;
    }

    private static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            assertThat(value).as("a value for $%s in %s", m.group(1), expr).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** Names of the samples in Prometheus text format ({@code name{labels} value} or {@code name value}). */
    private static Set<String> sampleNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    record Dashboard(Path file, JsonNode model) {
        String uid() {
            return model.path("uid").asText();
        }
    }

    private List<Dashboard> dashboards() throws IOException {
        List<Dashboard> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                all.add(new Dashboard(file, json.readTree(file.toFile())));
            }
        }
        return all;
    }
}
