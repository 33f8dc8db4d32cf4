package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code unifarm.limits.*}: uploads and starts in flight at once before requests get 429. */
public interface LimitsConfig {
    /** Uploads ({@code POST /api/v1/apps}) in flight at once, counted from their first byte to their response. */
    @WithDefault("4")
    int uploads();

    /** Instance starts ({@code POST /api/v1/apps/{name}/instances}) in flight at once. */
    @WithDefault("8")
    int starts();

    /** What {@code Retry-After} tells a refused client (whole seconds, at least 1). */
    @WithDefault("PT2S")
    Duration retryAfter();
}
