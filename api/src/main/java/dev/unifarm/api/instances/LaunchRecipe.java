package dev.unifarm.api.instances;

import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.imager.model.Image;
import dev.unifarm.scheduler.LaunchRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one way from an app spec to the scheduler's launch request, for instances and reference runs
 * alike: the spec's memory (default {@code unifarm.instances.default-memory-mib}), port and readiness
 * path, the start's own args and env, and the instance's directory.
 */
@ApplicationScoped
public class LaunchRecipe {

    private final UnifarmConfig config;
    private final FarmDirs dirs;

    LaunchRecipe(UnifarmConfig config, FarmDirs dirs) {
        this.config = config;
        this.dirs = dirs;
    }

    /** Instance {@code id} of {@code image}; {@code overrides}' args and env, when set, win over the image's. */
    public LaunchRequest launch(String id, AppSpec spec, Image image, StartRequest overrides) {
        int memory = spec.memoryMiB() != null ? spec.memoryMiB() : config.instances().defaultMemoryMib();
        int port = spec.port() != null ? spec.port() : 0;
        return new LaunchRequest(id, image, overrides.args(), overrides.env(), memory, dirs.instance(id), port, spec.readinessPath());
    }
}
