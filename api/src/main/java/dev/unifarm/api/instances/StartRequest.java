package dev.unifarm.api.instances;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Optional body of a start call: args and env overriding the app spec for this one instance. */
@Schema(description = "Overrides for one instance; every field is optional")
public record StartRequest(
        @Schema(description = "Command-line arguments for this instance, replacing the spec's args")
        List<String> args,
        @Schema(description = "Environment variables for this instance, name to value, added to (and winning over) the spec's env")
        Map<String, String> env) {
}
