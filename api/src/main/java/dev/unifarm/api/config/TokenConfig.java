package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;

/** One configured bearer token; the name only appears in logs and 403 details, never the value. */
public interface TokenConfig {
    String value();

    /** {@code read-write} (every call) or {@code read-only} ({@code GET}/{@code HEAD} only; anything else is 403). */
    @WithDefault("read-write")
    TokenAccess access();
}
