package dev.unifarm.scheduler.launcher;

import static dev.unifarm.scheduler.launcher.LauncherCalls.get;
import static dev.unifarm.scheduler.launcher.LauncherCalls.listeningOn;
import static dev.unifarm.scheduler.launcher.LauncherCalls.push;
import static dev.unifarm.scheduler.launcher.LauncherCalls.state;
import static dev.unifarm.scheduler.launcher.LauncherCalls.stderr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.launcher.Launcher;
import dev.unifarm.scheduler.launcher.LauncherConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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

    @TempDir
    Path work;

    /** The launcher's own data dir (its store and instance dir): nothing of the build is there. */
    @TempDir
    Path data;

    @Test
    void testLauncher_pullsFromLoopbackRegistry_bootsAndServesConsoleAndStatus() throws Exception {
        try (RealRegistry real = RealRegistry.start(work.resolve("registry"))) {
            String reference = push(real, "hello", work);
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
            String reference = push(real, "echo-http", work);
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
                    assertThat(launcher.isAlive()).as("launcher alive; stderr: %s", stderr(work)).isTrue();
                    return get(base.resolve("/console")).body().contains("echo-http listening on port 8080");
                });
                assertThat(state(base)).contains("Running");
                assertThat(get(base.resolve("/ready")).statusCode()).isEqualTo(200);
                Path pidFile = data.resolve("instances/l2/qemu.pid");
                qemuPid = Long.parseLong(Files.readString(pidFile).trim());
                assertThat(ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive)).contains(true);

                launcher.destroy(); // SIGTERM
                assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher exited; stderr: %s", stderr(work)).isTrue();
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
}
