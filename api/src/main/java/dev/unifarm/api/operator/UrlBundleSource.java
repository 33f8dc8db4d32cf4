package dev.unifarm.api.operator;

import dev.unifarm.imager.model.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Downloads a bundle from an {@code https://} URL, at most {@code maxBytes} (counted while reading:
 * a server may send no or a wrong length), and checks its sha256 before anything else sees it.
 */
final class UrlBundleSource {

    private static final Pattern SHA256 = Pattern.compile("(sha256:)?[0-9a-fA-F]{64}");

    private final HttpClient http;
    private final Duration timeout;

    UrlBundleSource(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** The source's expected digest as {@code sha256:<hex>}, or a {@link SourceException} saying what to write. */
    static String expectedDigest(String url, String sha256) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SourceException(SourceException.INVALID, "spec.source.url \"" + url + "\" is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new SourceException(SourceException.INVALID, "spec.source.url \"" + url
                    + "\" must be an https:// URL (plain http could be altered on the way)");
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new SourceException(SourceException.INVALID, "spec.source.sha256 must be the bundle's sha256 as 64 hex characters "
                    + "(sha256sum shop.zip) when spec.source.url is set");
        }
        String hex = sha256.toLowerCase(Locale.ROOT);
        return hex.startsWith(Digests.PREFIX) ? hex : Digests.PREFIX + hex;
    }

    void fetch(String url, String sha256, Path target, long maxBytes) {
        String expected = expectedDigest(url, sha256);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
        MessageDigest digest = Digests.newSha256();
        long size = 0;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(target)) {
                if (response.statusCode() != 200) {
                    throw new SourceException(SourceException.FETCH_FAILED, "GET " + url + " answered " + response.statusCode()
                            + "; check that spec.source.url names the bundle");
                }
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    size += n;
                    if (size > maxBytes) {
                        throw new SourceException(SourceException.INVALID, url + " sends more than the farm's limit of " + maxBytes
                                + " bytes (unifarm.builds.max-upload-bytes)");
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new SourceException(SourceException.FETCH_FAILED, "GET " + url + " failed: " + e
                    + "; check that the URL is reachable from the farm and its certificate is trusted", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(SourceException.FETCH_FAILED, "GET " + url + " was interrupted", e);
        }
        String got = Digests.format(digest);
        if (!got.equals(expected)) {
            throw new SourceException(SourceException.DIGEST_MISMATCH, url + " has sha256 " + Digests.hex(got) + " (" + size
                    + " bytes), not spec.source.sha256 " + Digests.hex(expected) + ": fix sha256 or the URL");
        }
    }
}
