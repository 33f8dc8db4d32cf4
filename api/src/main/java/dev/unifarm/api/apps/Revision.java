package dev.unifarm.api.apps;

import java.time.Instant;
import java.util.Map;

/**
 * One build of an app: the bundle and spec it was made from and the image it produced.
 *
 * @param message why the build failed, or null
 * @param sizes bytes per image part (app, runtime, libraries, initrd)
 * @param buildLog one line per build step
 */
public record Revision(String app, int number, RevisionState state, String imageDigest, String message,
        Map<String, Long> sizes, Instant createdAt, String buildLog) {
}
