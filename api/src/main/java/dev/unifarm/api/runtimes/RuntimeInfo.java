package dev.unifarm.api.runtimes;

import dev.unifarm.imager.model.RuntimeVersion;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A runtime the farm can build images on, as the API shows it. */
@Schema(description = "A runtime the farm can build images on")
public record RuntimeInfo(
        @Schema(description = "The shared framework, e.g. Microsoft.NETCore.App")
        String framework,
        @Schema(description = "Its version, e.g. 8.0.11")
        String version) {

    static RuntimeInfo of(String framework, RuntimeVersion version) {
        return new RuntimeInfo(framework, version.toString());
    }
}
