package dev.unifarm.api.config;

import java.util.Map;
import java.util.Optional;

/** {@code unifarm.api.*}: the bearer tokens every {@code /api/v1} call needs. */
public interface ApiConfig {
    /** A fixed bearer token; without one the farm generates {@code <data-dir>/api-token}. */
    Optional<String> token();

    /**
     * More tokens by name ({@code unifarm.api.tokens.<name>.value}, {@code .access}), accepted beside
     * the one above: e.g. one per CI job, or a read-only one for dashboards.
     */
    Map<String, TokenConfig> tokens();
}
