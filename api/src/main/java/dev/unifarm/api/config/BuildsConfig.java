package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;

/** {@code unifarm.builds.*}: how many image builds run at once and the bundle limits they enforce. */
public interface BuildsConfig {
    /** Image builds run at once (each is I/O and CPU heavy). */
    @WithDefault("1")
    int concurrency();

    /** Largest unpacked bundle accepted. */
    @WithDefault("1073741824")
    long maxBundleBytes();

    /** Most files and folders a bundle may hold. */
    @WithDefault("50000")
    int maxBundleEntries();

    /**
     * Largest upload request accepted, refused with 413 problem+json before it is read. Keep
     * {@code quarkus.http.limits.max-body-size} above it: that hard ceiling answers 413 without a body.
     */
    @WithDefault("1073741824")
    long maxUploadBytes();
}
