package dev.unifarm.scheduler.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP client against a real, bare QEMU (no guest: started paused, nothing to boot). */
public class QmpClientTest {

    @TempDir
    Path dir;

    private Process qemu;

    @AfterEach
    void killQemu() throws InterruptedException {
        if (qemu != null) {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void testEvents_stopAndShutdownReachTheListener() throws Exception {
        Path socket = startPausedQemu();
        List<JsonNode> events = new CopyOnWriteArrayList<>();

        try (QmpClient qmp = QmpClient.connect(socket, events::add, Duration.ofSeconds(10))) {
            assertThat(qmp.execute("query-status").path("status").asText()).isEqualTo("prelaunch");
            qmp.execute("cont");
            qmp.execute("stop");
            assertThat(qmp.execute("query-status").path("status").asText()).isEqualTo("paused");
            qmp.execute("quit");
            await().atMost(Duration.ofSeconds(10)).until(() -> names(events).contains("SHUTDOWN"));
        }

        assertThat(names(events)).containsSubsequence("RESUME", "STOP", "SHUTDOWN");
        assertThat(events).filteredOn(e -> e.path("event").asText().equals("SHUTDOWN"))
                .first().satisfies(e -> assertThat(e.path("data").path("reason").asText()).isEqualTo("host-qmp-quit"));
        assertThat(qemu.waitFor(10, TimeUnit.SECONDS)).as("QEMU quit").isTrue();
    }

    @Test
    void testConnect_frozenQemuIsATimeoutNotAHang() throws Exception {
        Path socket = startPausedQemu();
        Runtime.getRuntime().exec(new String[] {"kill", "-STOP", Long.toString(qemu.pid())}).waitFor(10, TimeUnit.SECONDS);
        awaitStopped(qemu.pid());

        assertThatThrownBy(() -> QmpClient.connect(socket, e -> { }, Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no QMP answer to greeting within PT1S");
    }

    @Test
    void testExecute_unknownCommandIsAnError() throws Exception {
        Path socket = startPausedQemu();

        try (QmpClient qmp = QmpClient.connect(socket)) {
            assertThatThrownBy(() -> qmp.execute("no-such-command"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("CommandNotFound");
            assertThat(qmp.execute("query-status").path("running").asBoolean()).isFalse();
        }
    }

    private Path startPausedQemu() throws IOException {
        qemu = new ProcessBuilder("qemu-system-x86_64", "-S", "-nodefaults", "-display", "none", "-machine", "pc",
                "-accel", "tcg", "-qmp", "unix:qmp.sock,server=on,wait=off")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();
        Path socket = SocketPaths.forConnecting(dir.resolve("qmp.sock"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("qmp.sock")));
        return socket;
    }

    /** kill returns once the signal is sent; the process (all its threads) stops a moment later. */
    public static void awaitStopped(long pid) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        });
    }

    private static List<String> names(List<JsonNode> events) {
        return events.stream().map(e -> e.path("event").asText()).toList();
    }
}
