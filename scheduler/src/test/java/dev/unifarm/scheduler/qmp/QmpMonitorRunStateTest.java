package dev.unifarm.scheduler.qmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor reads QEMU's run state when it connects and after a {@code STOP}: QEMU pauses a guest
 * it cannot run ({@code KVM internal error}) with a {@code STOP} event and stays alive, which only a
 * KVM that fails can make a real QEMU do, so a QMP peer speaking QEMU's protocol stands in for it.
 */
class QmpMonitorRunStateTest {

    @TempDir
    Path dir;

    @Test
    void testWatchRunState_stopEventThenInternalErrorIsReportedOnce() throws Exception {
        List<QemuGaveUp> reported = new CopyOnWriteArrayList<>();
        try (FakeQmp qemu = FakeQmp.start(dir.resolve("qmp.sock"), "running", "internal-error");
                QmpMonitor monitor = new QmpMonitor("i1", dir.resolve("qmp.sock"), Duration.ofSeconds(5))) {
            monitor.watchRunState(reported::add);
            monitor.connectInBackground(() -> true);

            await().atMost(Duration.ofSeconds(10)).until(() -> !reported.isEmpty());
            Thread.sleep(300);
        }
        assertThat(reported).containsExactly(new QemuGaveUp("internal-error"));
    }

    @Test
    void testWatchRunState_aGuestThatRunsIsNotReported() throws Exception {
        List<QemuGaveUp> reported = new CopyOnWriteArrayList<>();
        try (FakeQmp qemu = FakeQmp.start(dir.resolve("qmp.sock"), "running", "paused");
                QmpMonitor monitor = new QmpMonitor("i1", dir.resolve("qmp.sock"), Duration.ofSeconds(5))) {
            monitor.watchRunState(reported::add);
            monitor.connectInBackground(() -> true);

            await().atMost(Duration.ofSeconds(10)).until(() -> qemu.statusQueries() >= 2);
        }
        assertThat(reported).isEmpty();
    }

    /**
     * Greets, accepts {@code qmp_capabilities}, answers the first {@code query-status} with
     * {@code first}, then sends {@code STOP} and answers later queries with {@code then}.
     */
    private static final class FakeQmp implements AutoCloseable {

        private final ServerSocketChannel server;
        private volatile int statusQueries;

        private FakeQmp(ServerSocketChannel server) {
            this.server = server;
        }

        static FakeQmp start(Path socket, String first, String then) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            FakeQmp fake = new FakeQmp(server);
            Thread serving = new Thread(() -> fake.serve(first, then), "fake-qmp");
            serving.setDaemon(true);
            serving.start();
            return fake;
        }

        int statusQueries() {
            return statusQueries;
        }

        private void serve(String first, String then) {
            try (SocketChannel client = server.accept();
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                    OutputStream out = Channels.newOutputStream(client)) {
                send(out, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}");
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("qmp_capabilities")) {
                        send(out, "{\"return\": {}}");
                    } else if (line.contains("query-status")) {
                        statusQueries++;
                        String state = statusQueries == 1 ? first : then;
                        send(out, "{\"return\": {\"status\": \"" + state + "\", \"running\": false}}");
                        if (statusQueries == 1) {
                            send(out, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"STOP\"}");
                        }
                    }
                }
            } catch (IOException e) {
                // the monitor closed the connection
            }
        }

        private static void send(OutputStream out, String json) throws IOException {
            out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
