package dev.unifarm.api.config;

import java.util.Optional;

/** An owner reference: all of api-version, kind, name and uid, or none of them. */
public interface OwnerConfig {
    Optional<String> apiVersion();

    Optional<String> kind();

    Optional<String> name();

    Optional<String> uid();
}
