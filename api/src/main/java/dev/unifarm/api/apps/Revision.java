package dev.unifarm.api.apps;

import java.time.Instant;
import java.util.Map;

/**
 * One build of an app: the bundle and spec it was made from and the image it produced.
 *
 * @param ociDigest the image's OCI manifest digest in the store's OCI layout (null for 9pfs images, which are not exported)
 * @param ociReference where the configured registry holds it, {@code <host:port>/<repository>@<ociDigest>}; null without
 *     a registry or when the push failed (the build log says why)
 * @param message why the build failed, or null
 * @param sizes bytes per image part (app, runtime, libraries, initrd)
 * @param buildLog one line per build step
 */
public record Revision(String app, int number, RevisionState state, String imageDigest, String ociDigest, String ociReference,
        String message,
        Map<String, Long> sizes, Instant createdAt, String buildLog) {
}
