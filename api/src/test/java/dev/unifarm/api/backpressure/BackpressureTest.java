package dev.unifarm.api.backpressure;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * Backpressure with one upload and one start allowed at a time. A request is held in flight by
 * sending only part of its body over a raw socket; meanwhile a second one gets 429 problem+json with
 * {@code Retry-After} at once, and nothing of it is recorded; once the first ends, the next is served.
 */
@QuarkusTest
@TestProfile(BackpressureTest.OneAtATime.class)
public class BackpressureTest {

    public static final Duration GATE_WAIT = Duration.ofSeconds(30);
    static final long MAX_UPLOAD = 16L << 20;

    public static class OneAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("unifarm.data-dir", "./target/test-data-backpressure",
                    "unifarm.limits.uploads", "1",
                    "unifarm.limits.starts", "1",
                    "unifarm.limits.retry-after", "PT2.5S",
                    "unifarm.builds.max-upload-bytes", Long.toString(MAX_UPLOAD));
        }
    }

    @Test
    void testUpload_beyondConcurrencyIs429AndRecordsNothing() throws Exception {
        String held = FarmClient.uniqueName("held");
        String refused = FarmClient.uniqueName("refused");
        byte[] zip = Files.readAllBytes(FarmClient.sample("hello"));
        String boundary = "unifarm-test-boundary";
        byte[] body = multipart(boundary, held, zip);
        try (HeldRequest first = new HeldRequest("POST", "/api/v1/apps", "multipart/form-data; boundary=" + boundary, body)) {
            // Until the held upload has its permit, the probe may get through (and is refused as 400
            // for its name); once it has, the probe is refused with 429 before its body is read.
            Response tooMany = awaitTooMany(() -> FarmClient.upload(refused, FarmClient.sample("hello")));
            assertThat(tooMany.header("Retry-After")).isEqualTo("3");
            assertThat(tooMany.contentType()).startsWith("application/problem+json");
            assertThat(tooMany.<String>path("type")).endsWith("/too-many-requests");
            assertThat(tooMany.<String>path("detail")).contains("unifarm.limits.uploads").contains("nothing of this request was recorded");
            api().get("/api/v1/apps/" + refused).then().statusCode(404);

            assertThat(first.finish()).startsWith("HTTP/1.1 201");
        }
        api().get("/api/v1/apps/" + held).then().statusCode(200);
        // The permit is back: the next upload goes through.
        FarmClient.upload(refused, FarmClient.sample("hello")).then().statusCode(201);
    }

    @Test
    void testUploadsRefusedEarly_giveTheirPermitBack() throws Exception {
        // An upload refused by the size cap before its body is read (413, connection closed), then
        // one refused after (400): neither may keep the only permit.
        for (int i = 0; i < 3; i++) {
            try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
                socket.getOutputStream().write(("POST /api/v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + FarmClient.token() + "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: "
                        + (MAX_UPLOAD + 1) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                socket.setSoTimeout((int) Duration.ofMinutes(1).toMillis());
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 413");
            }
            FarmClient.upload("Not_A_Name", FarmClient.sample("hello")).then().statusCode(400);
        }
        String name = FarmClient.uniqueName("after");
        FarmClient.upload(name, FarmClient.sample("hello")).then().statusCode(201);
    }

    @Test
    void testStart_beyondConcurrencyIs429() throws Exception {
        String ghost = FarmClient.uniqueName("ghost");
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        try (HeldRequest first = new HeldRequest("POST", "/api/v1/apps/" + ghost + "/instances", "application/json", body)) {
            Response tooMany = awaitTooMany(() -> startOf(ghost));
            assertThat(tooMany.header("Retry-After")).isEqualTo("3");
            assertThat(tooMany.<String>path("detail")).contains("unifarm.limits.starts");
            assertThat(first.finish()).startsWith("HTTP/1.1 404");
        }
        startOf(ghost).then().statusCode(404);
        assertThat(api().get("/api/v1/instances?app=" + ghost).<List<?>>path("items")).isEmpty();
    }

    @Test
    void testConcurrentUploads_eachEndsInSuccessOr429_andExactlyTheSuccessfulAreRecorded() throws Exception {
        int clients = 6;
        String prefix = FarmClient.uniqueName("burst");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String name = prefix + "-" + i;
                statuses.add(pool.submit(() -> FarmClient.upload(name, FarmClient.sample("hello")).statusCode()));
            }
            for (int i = 0; i < clients; i++) {
                int status = statuses.get(i).get();
                assertThat(status).isIn(201, 429);
                api().get("/api/v1/apps/" + prefix + "-" + i).then().statusCode(status == 201 ? 200 : 404);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Response startOf(String app) {
        return api().contentType("application/json").body("{}").post("/api/v1/apps/" + app + "/instances");
    }

    private static Response awaitTooMany(Callable<Response> probe) {
        AtomicReference<Response> last = new AtomicReference<>();
        await().atMost(GATE_WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response response = probe.call();
            last.set(response);
            assertThat(response.statusCode()).isIn(400, 404, 429);
            return response.statusCode() == 429;
        });
        return last.get();
    }

    private static byte[] multipart(String boundary, String name, byte[] zip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"hello.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(zip);
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** An HTTP/1.1 request sent over a raw socket with only the first half of its body, until {@link #finish()}. */
    public static final class HeldRequest implements AutoCloseable {
        private final Socket socket;
        private final byte[] body;
        private final int sent;

        public HeldRequest(String method, String path, String contentType, byte[] body) throws IOException {
            this.socket = new Socket("127.0.0.1", RestAssured.port);
            this.body = body;
            this.sent = body.length / 2;
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + FarmClient.token()
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(body, 0, sent);
            out.flush();
        }

        /** Sends the rest of the body and returns the whole response. */
        public String finish() throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(body, sent, body.length - sent);
            out.flush();
            socket.setSoTimeout((int) Duration.ofMinutes(1).toMillis());
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
