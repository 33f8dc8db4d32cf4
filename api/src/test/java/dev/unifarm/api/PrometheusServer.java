package dev.unifarm.api;

import dev.unifarm.api.testing.TestFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;




/**
 * A real Prometheus (Debian's {@code prometheus}, installed by {@code scripts/provision}) scraping the
 * test farm: its own config and TSDB in {@code api/target/prometheus/}, 127.0.0.1 on a free port,
 * {@code /q/metrics} of the farm every second. It starts before the farm, so the farm's HTTP port is
 * chosen here and handed to Quarkus ({@code quarkus.http.test-port}); the farm's data dir is emptied
 * first, so every series Prometheus sees comes from this run.
 */
public class PrometheusServer implements QuarkusTestResourceLifecycleManager {

    static final Path ROOT = Path.of("target", "prometheus").toAbsolutePath();
    static final String FARM_DATA_DIR = "./target/test-data-dashboards";
    /** Short, so the end state is scraped within seconds; dashboards use 15–30 s in production. */
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    private static final String BINARY = "/usr/bin/prometheus";
    private static final Path PID_FILE = ROOT.resolve("prometheus.pid");

    private static volatile String url;
    private static volatile Instant startedAt;
    private Process process;

    /** {@code http://127.0.0.1:<port>} of the running server. */
    static String url() {
        return url;
    }

    static Instant startedAt() {
        return startedAt;
    }

    @Override
    public Map<String, String> start() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: run scripts/provision (it installs Debian's prometheus)");
        }
        try {
            stopLeftover();
            TestFiles.deleteTree(ROOT);
            TestFiles.deleteTree(Path.of(FARM_DATA_DIR).toAbsolutePath());
            Files.createDirectories(ROOT);
            int farmPort = TestFiles.freePort();
            int port = TestFiles.freePort();
            Path config = ROOT.resolve("prometheus.yml");
            // /q/metrics needs no token (docs/farm.md, "Metrics"): no authorization block.
            Files.writeString(config, """
                    global:
                      scrape_interval: %1$ds
                      scrape_timeout: %1$ds
                      evaluation_interval: %1$ds
                    scrape_configs:
                      - job_name: unifarm
                        metrics_path: /q/metrics
                        static_configs:
                          - targets: ['127.0.0.1:%2$d']
                    """.formatted(SCRAPE_INTERVAL.toSeconds(), farmPort));
            process = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.tsdb.path=" + ROOT.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1d", "--log.level=warn")
                    .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(ROOT.resolve("prometheus.log").toFile())
                    .start();
            Files.writeString(PID_FILE, Long.toString(process.pid()));
            url = "http://127.0.0.1:" + port;
            awaitReady();
            startedAt = Instant.now();
            return Map.of("quarkus.http.test-port", Integer.toString(farmPort), "unifarm.data-dir", FARM_DATA_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(PID_FILE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited " + process.exitValue() + ":\n"
                        + Files.readString(ROOT.resolve("prometheus.log"), StandardCharsets.UTF_8));
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep();
        }
        process.destroyForcibly();
        throw new IllegalStateException("prometheus was not ready in 60 s; log: " + ROOT.resolve("prometheus.log"));
    }

    /** A server a killed test run left behind would keep its port and data dir: only ours (its cmdline names ROOT). */
    private static void stopLeftover() throws IOException {
        if (!Files.isRegularFile(PID_FILE)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(PID_FILE).strip());
        ProcessHandle.of(pid).filter(p -> p.info().commandLine().map(c -> c.contains(ROOT.toString())).orElse(false))
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
