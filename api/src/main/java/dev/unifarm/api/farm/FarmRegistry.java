package dev.unifarm.api.farm;

import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.imager.Imager;
import dev.unifarm.imager.Registry;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The OCI registry of {@code unifarm.registry.*}, if one is configured: built images are pushed to
 * {@code <repository-prefix>/<app>} by digest, and an image missing from the store is pulled back by
 * its OCI digest before it boots.
 */
@ApplicationScoped
public class FarmRegistry {

    private final Optional<Registry> registry;
    private final String prefix;

    FarmRegistry(UnifarmConfig config, Imager imager) {
        this.registry = config.registry().url().filter(url -> !url.isBlank()).map(imager::registry);
        this.prefix = config.registry().repositoryPrefix().replaceAll("^/+|/+$", "");
    }

    public boolean configured() {
        return registry.isPresent();
    }

    public String repository(String app) {
        return prefix.isEmpty() ? app : prefix + "/" + app;
    }

    /** Pushes the exported image; returns {@code <host:port>/<prefix>/<app>@<digest>}. */
    public String push(OciImage image, String app) {
        return registry.orElseThrow().push(image, repository(app));
    }

    /** Pulls the app's image by OCI digest into the store and unpacks it. */
    public Image pull(String app, String ociDigest) {
        return registry.orElseThrow().pull(repository(app), ociDigest);
    }
}
