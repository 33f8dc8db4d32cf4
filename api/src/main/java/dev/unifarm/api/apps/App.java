package dev.unifarm.api.apps;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An app as the API shows it. */
@Schema(description = "An uploaded app")
public record App(
        @Schema(description = "The app's name, a DNS-1123 label; the gateway serves it under /{name}/")
        String name,
        @Schema(description = "The app's current spec")
        AppSpec spec,
        @Schema(description = "The newest revision's number (each upload or changed spec makes one)")
        int latestRevision,
        @Schema(description = "When the app was first uploaded")
        Instant createdAt) {
}
