package dev.unifarm.imager;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;

/** An OCI registry the farm's images go to and come back from, through the imager's store. */
public final class Registry {

    private final OciRegistry registry;
    private final ImageStore store;

    Registry(OciRegistry registry, ImageStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** Pushes an exported image to {@code repository} by digest; returns {@code <host:port>/<repository>@<digest>}. */
    public String push(OciImage image, String repository) {
        return registry.push(store, image, repository);
    }

    /** Pulls an image by OCI digest into the store and unpacks it. */
    public Image pull(String repository, String ociDigest) {
        return registry.pull(store, repository, ociDigest);
    }
}
