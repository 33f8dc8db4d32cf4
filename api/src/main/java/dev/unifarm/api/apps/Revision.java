package dev.unifarm.api.apps;

import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
@Schema(description = "One build of an app: the bundle and spec it was made from and the image it produced")
public record Revision(
        @Schema(description = "The app's name")
        String app,
        @Schema(description = "The revision's number, from 1")
        int number,
        @Schema(description = "Build state: Pending, Building, Ready or Failed")
        RevisionState state,
        @Schema(description = "The image's digest (sha256:…) once Ready")
        String imageDigest,
        @Schema(description = "The image's OCI manifest digest in the store's OCI layout; null for images that are not exported")
        String ociDigest,
        @Schema(description = "Where the configured registry holds the image, <host:port>/<repository>@<ociDigest>; null without a"
                + " registry or when the push failed (the build log says why)")
        String ociReference,
        @Schema(description = "Why the build failed; null otherwise")
        String message,
        @Schema(description = "Bytes per image part (app, runtime, libraries, initrd)")
        Map<String, Long> sizes,
        @Schema(description = "When the revision was made")
        Instant createdAt,
        @Schema(description = "The build log, one line per build step")
        String buildLog,
        @Schema(description = "The revision's memory snapshot, which the gateway restores instead of booting; null when it has none",
                nullable = true)
        RevisionSnapshot snapshot) {

    /** A revision as recorded; its snapshot is the snapshot store's to tell. */
    public Revision(String app, int number, RevisionState state, String imageDigest, String ociDigest, String ociReference, String message,
            Map<String, Long> sizes, Instant createdAt, String buildLog) {
        this(app, number, state, imageDigest, ociDigest, ociReference, message, sizes, createdAt, buildLog, null);
    }

    public Revision withSnapshot(RevisionSnapshot taken) {
        return new Revision(app, number, state, imageDigest, ociDigest, ociReference, message, sizes, createdAt, buildLog, taken);
    }
}
