package dev.unifarm.scheduler.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.RealRegistry;
import dev.unifarm.imager.oci.OciLayout;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the launcher boot tests do around a launcher: push its image, wait for it to listen, read its HTTP server and stderr. */
final class LauncherCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LauncherCalls() {
    }

    /** Builds the sample in {@code work}, exports it as OCI and pushes it; returns the reference by digest. */
    static String push(RealRegistry registry, String sample, Path work) {
        Image built = TestImages.build(sample, work);
        ImageStore store = new ImageStore(work.resolve("store"));
        OciImage oci = new OciLayout(store).export(built);
        return new OciRegistry(registry.url()).push(store, oci, "unifarm/" + sample);
    }

    /** The launcher process's stderr, redirected to {@code work/launcher.err}. */
    static String stderr(Path work) {
        try {
            return Files.readString(work.resolve("launcher.err"));
        } catch (IOException e) {
            return "(none)";
        }
    }

    /** The URL from the launcher's first stdout line; stdout is then drained so the child never blocks. */
    static CompletableFuture<String> listeningOn(Process process) {
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

    /** The state {@code GET /status} reports; empty while it does not answer 200. */
    static Optional<String> state(URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = get(base.resolve("/status"));
        return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body()).get("state").asText()) : Optional.empty();
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
