package dev.unifarm.api.instances;

import dev.unifarm.api.testing.TestFiles;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;





/**
 * The farm process itself is {@code kill -9}ed while an instance runs, and a second farm process is
 * started on the same data dir: the instance is adopted (still {@code Running}, not {@code Failed}),
 * its console keeps growing, and a stop through the API works. Both farms are the packaged jar
 * ({@code target/quarkus-app/quarkus-run.jar}) in JVMs of their own, so this runs after
 * {@code package} (the {@code farm-it} execution in the {@code integration-test} phase).
 */
class FarmRestartIT {

    private static final Duration FARM_START = Duration.ofSeconds(90);
    private static final Duration BUILD = Duration.ofMinutes(3);
    private static final Duration BOOT = Duration.ofMinutes(2);
    private static final Pattern TICK = Pattern.compile("ticker: tick (\\d+)");

    private final List<Process> farms = new ArrayList<>();
    private final List<Long> qemus = new ArrayList<>();
    private Path dataDir;
    private String baseUri;

    @BeforeEach
    void freshDataDir() throws IOException {
        // Short: the QMP socket path under it must stay below the unix limit.
        dataDir = Path.of("target/it-farm").toAbsolutePath();
        TestFiles.deleteTree(dataDir);
        Files.createDirectories(dataDir);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (Process farm : farms) {
            farm.destroyForcibly();
            farm.waitFor(30, TimeUnit.SECONDS);
        }
        // Instances outlive their farm by design (adoption): every QEMU the farms left, whichever test it served
        // (e.g. the gateway's restore in the snapshot test), goes with the test.
        qemus.addAll(leftQemus());
        for (long pid : qemus) {
            ProcessHandle.of(pid).ifPresent(qemu -> {
                qemu.destroyForcibly();
                qemu.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
            });
        }
    }

    @Test
    void testFarmKilled_instanceAdoptedConsoleGrowsAndStops() throws Exception {
        Process first = startFarm("farm-1");
        String app = "ticker";
        api().multiPart("name", app).multiPart("bundle", sample(app).toFile()).post("/api/v1/apps").then().statusCode(201);
        await().atMost(BUILD).pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("Ready", "Failed").contains(api().get("/api/v1/apps/" + app + "/revisions/1").path("state")));
        assertThat(api().get("/api/v1/apps/" + app + "/revisions/1").<String>path("state")).isEqualTo("Ready");
        String id = api().contentType("application/json").body("{}").post("/api/v1/apps/" + app + "/instances")
                .then().statusCode(201).extract().path("id");
        long qemu = qemuPid(id);
        qemus.add(qemu);
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).until(() -> lastTick(console(id)) >= 1);
        String readyAt = api().get("/api/v1/instances/" + id).path("readyAt");
        assertThat(api().get("/api/v1/instances/" + id).<String>path("state")).isEqualTo("Running");

        first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing stopped
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(running(qemu)).as("QEMU outlives the killed farm").isTrue();
        Path consoleRaw = dataDir.resolve("instances").resolve(id).resolve("console.raw");
        long rawSize = Files.size(consoleRaw);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.size(consoleRaw) > rawSize);

        startFarm("farm-2");

        var adopted = api().get("/api/v1/instances/" + id);
        assertThat(adopted.<String>path("state")).as(adopted.asString()).isEqualTo("Running");
        assertThat(adopted.<String>path("reason")).isNotEqualTo("FarmRestarted");
        assertThat(adopted.<String>path("readyAt")).isEqualTo(readyAt);
        long ticksAfterRestart = lastTick(console(id));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> lastTick(console(id)) > ticksAfterRestart);
        assertThat(running(qemu)).isTrue();

        var stopped = api().delete("/api/v1/instances/" + id);
        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(stopped.<String>path("state")).as(stopped.asString()).isEqualTo("Stopped");
        await().atMost(Duration.ofSeconds(30)).until(() -> !running(qemu));
        String finalConsole = Files.readString(dataDir.resolve("instances").resolve(id).resolve("console.log"));
        assertThat(finalConsole).contains("ticker started");
        assertThat(lastTick(finalConsole)).isGreaterThan(ticksAfterRestart);
    }

    /**
     * A normal stop (SIGTERM) of the farm while an instance boots: the farm powers it down and records
     * its end before it exits, so the next farm shows it {@code Stopped} by the farm, not
     * {@code Failed}/{@code FarmRestarted}. A half-received upload a killed farm left in the data
     * dir's {@code uploads} is gone once the next farm has started.
     */
    @Test
    void testFarmStopped_instancesItPoweredDownShowStoppedAndLeftoverUploadsGo() throws Exception {
        Process first = startFarm("farm-1");
        String app = "ticker";
        api().multiPart("name", app).multiPart("bundle", sample(app).toFile()).post("/api/v1/apps").then().statusCode(201);
        await().atMost(BUILD).pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("Ready", "Failed").contains(api().get("/api/v1/apps/" + app + "/revisions/1").path("state")));
        String id = api().contentType("application/json").body("{}").post("/api/v1/apps/" + app + "/instances")
                .then().statusCode(201).extract().path("id");
        long qemu = qemuPid(id);
        qemus.add(qemu);

        first.destroy(); // SIGTERM: the farm's normal stop
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the farm stops").isTrue();
        assertThat(running(qemu)).as("no QEMU outlives the farm").isFalse();
        assertThat(logTail("farm-1")).doesNotContain("listener failed");
        Path uploads = Files.createDirectories(dataDir.resolve("uploads"));
        Path leftover = Files.write(uploads.resolve("8c5e2b0e-6f0a-4c55-9a51-2f1b1f1e0c11"), new byte[1 << 20]);

        startFarm("farm-2");

        var stopped = api().get("/api/v1/instances/" + id);
        assertThat(stopped.<String>path("state")).as(stopped.asString()).isEqualTo("Stopped");
        assertThat(stopped.<String>path("message")).startsWith("stopped by the farm as it shut down");
        assertThat(leftover).as("the upload a killed farm left").doesNotExist();
    }

    /**
     * A revision's memory snapshot survives a farm restart (issue 18): the first farm boots echo-http for a cold
     * request through the gateway and snapshots it; after a normal stop and a start of the second farm, the revision
     * still shows the same snapshot, and the next cold request is served from a restore of it.
     */
    @Test
    void testFarmRestarted_keepsTheSnapshotAndTheNextColdRequestRestoresIt() throws Exception {
        Process first = startFarm("farm-1");
        String app = "echo";
        api().multiPart("name", app).multiPart("bundle", sample("echo-http").toFile())
                .multiPart("spec", "{\"port\": 8090, \"env\": {\"PORT\": \"8090\"}, \"memoryMiB\": 384,"
                        + " \"scaling\": {\"idleTimeout\": \"PT2S\"}}", "application/json")
                .post("/api/v1/apps").then().statusCode(201);
        await().atMost(BUILD).pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("Ready", "Failed").contains(api().get("/api/v1/apps/" + app + "/revisions/1").path("state")));
        assertThat(gatewayGet("farm-1", "/echo/before")).isEqualTo("echo-http: GET /before\n");
        String stateDigest = await().atMost(BOOT).pollInterval(Duration.ofMillis(500))
                .until(() -> api().get("/api/v1/apps/" + app + "/revisions/1").<String>path("snapshot.stateDigest"), d -> d != null);

        first.destroy();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the farm stops").isTrue();
        startFarm("farm-2");

        var revision = api().get("/api/v1/apps/" + app + "/revisions/1");
        assertThat(revision.<String>path("snapshot.stateDigest")).as(revision.asString()).isEqualTo(stateDigest);
        assertThat(gatewayGet("farm-2", "/echo/before")).isEqualTo("echo-http: GET /before\n");
        List<String> ids = api().get("/api/v1/instances?app=" + app + "&limit=100").path("items.id");
        var restored = api().get("/api/v1/instances/" + ids.get(ids.size() - 1));
        assertThat(restored.<String>path("activation")).as(restored.asString()).isEqualTo("restore");
        assertThat(logTail("farm-2")).doesNotContain("listener failed");
    }

    /** GET through the gateway of farm {@code name} (its port is picked at start: the log says which); the body. */
    private String gatewayGet(String name, String path) throws IOException, InterruptedException {
        Matcher port = Pattern.compile("gateway listening on http://127\\.0\\.0\\.1:(\\d+)/")
                .matcher(Files.readString(dataDir.resolveSibling("it-" + name + ".log")));
        assertThat(port.find()).as("%s says where its gateway listens", name).isTrue();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port.group(1) + path)).timeout(BOOT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** Runs the packaged farm on the shared data dir and fresh ports; returns once it is ready. */
    private Process startFarm(String name) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the farm jar (built in package)").isRegularFile();
        Path parts = Path.of(System.getProperty("test.parts.dir"));
        int port = TestFiles.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process farm = new ProcessBuilder(java, "-Xmx384m",
                "-Dquarkus.http.port=" + port,
                // Not the default 8081: a farm from scripts/run may hold it while the tests run.
                "-Dunifarm.gateway.port=0",
                "-Dunifarm.data-dir=" + dataDir,
                "-Dunifarm.runtimes.dir=" + dataDir.resolve("runtimes"),
                "-Dunifarm.runtimes.read-only-dirs=" + parts.resolve("runtimes"),
                "-Dunifarm.kernels.linux.kernel=" + parts.resolve("kernels/linux/current/vmlinuz"),
                "-jar", jar.toString())
                .directory(dataDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling("it-" + name + ".log").toFile())
                .start();
        farms.add(farm);
        baseUri = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUri + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        await().atMost(FARM_START).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!farm.isAlive()) {
                throw new AssertionError(name + " exited with " + farm.exitValue() + ": " + logTail(name));
            }
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return farm;
    }

    private RequestSpecification api() {
        try {
            String token = Files.readString(dataDir.resolve("api-token")).trim();
            return given().baseUri(baseUri).header("Authorization", "Bearer " + token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String console(String id) {
        return api().get("/api/v1/instances/" + id + "/console").then().statusCode(200).extract().asString();
    }

    /** The QEMUs whose pid files are in the data dir's instance dirs and that still run. */
    private List<Long> leftQemus() {
        Path instances = dataDir.resolve("instances");
        if (!Files.isDirectory(instances)) {
            return List.of();
        }
        try (var dirs = Files.list(instances)) {
            return dirs.map(dir -> dir.resolve("qemu.pid")).filter(Files::isRegularFile).map(FarmRestartIT::pidIn)
                    .filter(pid -> pid > 0 && ProcessHandle.of(pid).flatMap(h -> h.info().command())
                            .filter(command -> command.contains("qemu")).isPresent())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long pidIn(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private long qemuPid(String id) {
        Path pidFile = dataDir.resolve("instances").resolve(id).resolve("qemu.pid");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(pidFile) && !Files.readString(pidFile).isBlank());
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Alive and not a zombie: QEMU's parent died with the first farm, and nobody here reaps it. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private static long lastTick(String console) {
        long last = 0;
        Matcher m = TICK.matcher(console);
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static Path sample(String name) {
        Path zip = Path.of(System.getProperty("test.samples.dir", "../target/samples")).resolve(name + ".zip");
        assertThat(zip).as("built by samples/build in generate-test-resources").isRegularFile();
        return zip;
    }

    private String logTail(String name) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolveSibling("it-" + name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
