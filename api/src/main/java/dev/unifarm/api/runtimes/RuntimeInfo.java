package dev.unifarm.api.runtimes;

import dev.unifarm.imager.RuntimeVersion;

/** A runtime the farm can build images on, as the API shows it. */
public record RuntimeInfo(String framework, String version) {

    static RuntimeInfo of(String framework, RuntimeVersion version) {
        return new RuntimeInfo(framework, version.toString());
    }
}
