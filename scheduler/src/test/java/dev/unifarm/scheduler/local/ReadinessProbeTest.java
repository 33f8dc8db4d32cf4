package dev.unifarm.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The readiness probe against a real local server: it asks for the given path, reads the whole answer
 * (so an app that writes its header and body apart is not reset) and counts only 2xx and 3xx.
 */
class ReadinessProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ServerSocket server;

    ReadinessProbeTest() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    /** One connection: reads the request head, answers {@code status} with the body in two writes; what it saw. */
    private CompletableFuture<String> serveOnce(int status, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket client = server.accept()) {
                String head = readHead(client.getInputStream());
                OutputStream out = client.getOutputStream();
                byte[] payload = body.getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: " + payload.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200); // the body comes later, as from an app that computes it after the header
                int half = payload.length / 2;
                out.write(payload, 0, half);
                out.flush();
                Thread.sleep(200);
                out.write(payload, half, payload.length - half);
                out.flush();
                // The probe reads to the end and closes: EOF here, not a reset.
                int after = client.getInputStream().read();
                return head + "after body: " + after;
            } catch (IOException e) {
                return "server failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        });
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void testAnswers_readsHeaderAndBodyWrittenApartWithoutResettingTheServer() throws Exception {
        CompletableFuture<String> seen = serveOnce(200, "ready and a longer body than one write\n");

        ReadinessProbe.Result result = ReadinessProbe.probe("127.0.0.1", server.getLocalPort(), "/healthz", TIMEOUT);

        assertThat(result.ready()).as(result.describe()).isTrue();
        String served = seen.get(10, TimeUnit.SECONDS);
        assertThat(served).doesNotContain("server failed").endsWith("after body: -1");
        assertThat(served).startsWith("GET /healthz HTTP/1.1\r\n").contains("Connection: close\r\n");
    }

    @Test
    void testAnswers_statusOutside200To399IsNotReadyAndSaysWhatItGot() throws Exception {
        CompletableFuture<String> seen = serveOnce(503, "starting\n");

        ReadinessProbe.Result result = ReadinessProbe.probe("127.0.0.1", server.getLocalPort(), "/", TIMEOUT);

        assertThat(result.ready()).isFalse();
        assertThat(result.describe()).isEqualTo("GET / answered 503");
        assertThat(seen.get(10, TimeUnit.SECONDS)).doesNotContain("server failed");
    }

    @Test
    void testAnswers_redirectIsReady() throws Exception {
        CompletableFuture<String> seen = serveOnce(302, "");

        assertThat(ReadinessProbe.probe("127.0.0.1", server.getLocalPort(), "/", TIMEOUT).ready()).isTrue();
        assertThat(seen.get(10, TimeUnit.SECONDS)).doesNotContain("server failed");
    }

    @Test
    void testAnswers_nothingListeningIsNotReady() throws IOException {
        int port = server.getLocalPort();
        server.close();

        ReadinessProbe.Result result = ReadinessProbe.probe("127.0.0.1", port, "/", TIMEOUT);

        assertThat(result.ready()).isFalse();
        assertThat(result.describe()).startsWith("GET / got no answer");
    }
}
