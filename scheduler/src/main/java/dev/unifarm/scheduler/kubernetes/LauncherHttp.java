package dev.unifarm.scheduler.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The farm's side of a launcher Pod's HTTP server: {@code GET /status} as an {@link InstanceStatus},
 * {@code GET /console} as lines. Bounded waits: a Pod that does not answer must not hold an API request.
 */
final class LauncherHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;

    LauncherHttp(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * The launcher's status of its run, merged into what the farm tracks: the farm keeps the first
     * creation time, the restart count (each restart is a new Pod, whose launcher counts from 0) and
     * the node Kubernetes placed the Pod on.
     */
    InstanceStatus status(String base, InstanceStatus tracked) throws IOException {
        JsonNode s = JSON.readTree(get(base + "/status"));
        String node = tracked.node() != null ? tracked.node() : text(s, "node");
        String accel = text(s, "accel");
        return new InstanceStatus(tracked.id(), InstanceState.valueOf(text(s, "state")),
                s.hasNonNull("exitCode") ? s.get("exitCode").asInt() : null, text(s, "reason"), text(s, "message"),
                accel == null ? null : Accelerator.valueOf(accel), node, tracked.createdAt(), time(s, "startedAt"),
                time(s, "readyAt"), time(s, "finishedAt"), text(s, "endpoint"), tracked.restarts());
    }

    List<String> console(String base) throws IOException {
        String text = get(base + "/console");
        return text.isEmpty() ? List.of() : text.lines().toList();
    }

    private String get(String url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IOException("GET " + url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static Instant time(JsonNode node, String field) {
        String value = text(node, field);
        return value == null ? null : Instant.parse(value);
    }
}
