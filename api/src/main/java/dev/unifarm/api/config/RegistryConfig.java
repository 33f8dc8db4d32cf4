package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code unifarm.registry.*}: the OCI registry built images go to. */
public interface RegistryConfig {
    /**
     * e.g. {@code http://127.0.0.1:5000}: {@code http://} is plain HTTP without auth (a registry on
     * loopback or a trusted network), {@code https://} uses TLS and the host's container credentials.
     */
    Optional<String> url();

    /** Images go to {@code <prefix>/<app>}, by digest. */
    @WithDefault("unifarm")
    String repositoryPrefix();
}
