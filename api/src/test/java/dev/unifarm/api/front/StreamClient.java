package dev.unifarm.api.front;

import dev.unifarm.api.testing.FarmClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;


/** Reads a streamed response line by line as it arrives, as {@code curl -N} would. */
final class StreamClient implements AutoCloseable {

    private final HttpResponse<InputStream> response;
    private final BufferedReader reader;
    private final List<String> lines = new ArrayList<>();

    private StreamClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    static StreamClient open(String path, String accept) throws IOException, InterruptedException {
        int port = io.restassured.RestAssured.port; // the port Quarkus picked for the test (test-port=0)
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + FarmClient.token()).header("Accept", accept)
                .timeout(Duration.ofMinutes(5)).build();
        // HTTP/1.1: chunked transfer coding is what the tests check (HTTP/2 has no such thing).
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new StreamClient(client.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    HttpResponse<InputStream> response() {
        return response;
    }

    /** Reads until a line matches; fails if the stream ends first. */
    String readUntil(Predicate<String> wanted) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
        throw new AssertionError("the stream ended without the line wanted; it sent: " + lines);
    }

    /** Reads to the end of the stream. */
    List<String> readToEnd() throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
        }
        return List.copyOf(lines);
    }

    List<String> linesSoFar() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
