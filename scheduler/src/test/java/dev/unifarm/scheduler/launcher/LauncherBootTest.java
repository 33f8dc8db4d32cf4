package dev.unifarm.scheduler.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.Image;
import dev.unifarm.imager.OciImage;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.launcher.Launcher;
import dev.unifarm.scheduler.launcher.LauncherConfig;
import dev.unifarm.scheduler.testing.TestImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: the launcher entry point (what a launcher Pod runs) boots an image pulled by digest from
 * a real registry on loopback, under real QEMU, and serves its status and console over HTTP; on
 * SIGTERM it stops the guest and exits.
 */
class LauncherBootTest {

    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    /** The launcher's own data dir (its store and instance dir): nothing of the build is there. */
    @TempDir
    Path data;

    @Test
    void testLauncher_pullsFromLoopbackRegistry_bootsAndServesConsoleAndStatus() throws Exception {
        try (RealRegistry real = RealRegistry.start(work.resolve("registry"))) {
            String reference = push(real, "hello");
            LauncherConfig config = LauncherConfig.from(Map.of(
                    LauncherConfig.INSTANCE_ID, "l1",
                    LauncherConfig.IMAGE, reference,
                    LauncherConfig.REGISTRY_INSECURE, "true",
                    LauncherConfig.MEMORY_MIB, "384",
                    LauncherConfig.DATA_DIR, data.toString(),
                    LauncherConfig.HTTP_ADDRESS, "127.0.0.1",
                    LauncherConfig.HTTP_PORT, "0"));
            try (Launcher launcher = Launcher.start(config)) {
                URI base = URI.create("http://127.0.0.1:" + launcher.address().getPort());

                await().atMost(BOOT).pollInterval(Duration.ofMillis(250))
                        .until(() -> state(base).map(s -> InstanceState.valueOf(s).isTerminal()).orElse(false));
                JsonNode status = JSON.readTree(get(base.resolve("/status")).body());
                assertThat(status.get("state").asText()).as(status.toString()).isEqualTo("Succeeded");
                assertThat(status.get("exitCode").asInt()).isZero();
                assertThat(status.get("image").asText()).isEqualTo(reference);
                assertThat(get(base.resolve("/console")).body()).contains("Hello from Unifarm!");
                assertThat(get(base.resolve("/ready")).statusCode()).as("ended: not ready").isEqualTo(503);
                assertThat(Files.list(data.resolve("store/blobs/sha256"))).as("pulled into the launcher's own store").isNotEmpty();
            }
        }
    }

    @Test
    void testLauncherProcess_sigtermStopsTheGuestAndExits() throws Exception {
        try (RealRegistry real = RealRegistry.start(work.resolve("registry"))) {
            String reference = push(real, "echo-http");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    Launcher.class.getName(), "--memory-mib=384")
                    .redirectError(work.resolve("launcher.err").toFile());
            builder.environment().putAll(Map.of(
                    LauncherConfig.INSTANCE_ID, "l2",
                    LauncherConfig.IMAGE, reference,
                    LauncherConfig.REGISTRY_INSECURE, "true",
                    LauncherConfig.DATA_DIR, data.toString(),
                    LauncherConfig.HTTP_ADDRESS, "127.0.0.1",
                    LauncherConfig.HTTP_PORT, "0"));
            Process launcher = builder.start();
            Long qemuPid = null;
            try {
                URI base = URI.create(listeningOn(launcher).get(BOOT.toSeconds(), TimeUnit.SECONDS));

                await().atMost(BOOT).pollInterval(Duration.ofMillis(250)).until(() -> {
                    assertThat(launcher.isAlive()).as("launcher alive; stderr: %s", stderr()).isTrue();
                    return get(base.resolve("/console")).body().contains("echo-http listening on port 8080");
                });
                assertThat(state(base)).contains("Running");
                assertThat(get(base.resolve("/ready")).statusCode()).isEqualTo(200);
                Path pidFile = data.resolve("instances/l2/qemu.pid");
                qemuPid = Long.parseLong(Files.readString(pidFile).trim());
                assertThat(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive)).contains(true);

                launcher.destroy(); // SIGTERM
                assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher exited; stderr: %s", stderr()).isTrue();
                assertThat(launcher.exitValue()).isEqualTo(143);
                assertThat(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false)).as("QEMU is gone").isFalse();
                assertThat(Files.readString(data.resolve("instances/l2/console.log"))).contains("echo-http listening");
            } finally {
                if (launcher.isAlive()) {
                    launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                if (qemuPid != null) {
                    ProcessHandle.of(qemuPid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /** Builds the sample, exports it as OCI and pushes it; returns the reference by digest. */
    private String push(RealRegistry real, String sample) {
        Image built = TestImages.build(sample, work);
        ImageStore store = new ImageStore(work.resolve("store"));
        OciImage oci = new OciLayout(store).export(built);
        return new OciRegistry(real.url()).push(store, oci, "unifarm/" + sample);
    }

    private String stderr() {
        try {
            return Files.readString(work.resolve("launcher.err"));
        } catch (IOException e) {
            return "(none)";
        }
    }

    /** The URL from the launcher's first stdout line; stdout is then drained so the child never blocks. */
    private static CompletableFuture<String> listeningOn(Process process) {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    int at = line.indexOf("listening on ");
                    if (at >= 0) {
                        url.complete(line.substring(at + "listening on ".length()).trim());
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("launcher stdout closed before it listened"));
        }, "launcher-stdout");
        reader.setDaemon(true);
        reader.start();
        return url;
    }

    private Optional<String> state(URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = get(base.resolve("/status"));
        return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body()).get("state").asText()) : Optional.empty();
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
