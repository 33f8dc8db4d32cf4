package dev.unifarm.api.operator;

import dev.unifarm.imager.model.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import land.oras.ContainerRef;
import land.oras.Layer;
import land.oras.Manifest;
import land.oras.Registry;
import land.oras.exception.OrasException;

/**
 * Pulls a bundle pushed as an OCI artifact (e.g. {@code oras push host/shop:v1 shop.zip}): the manifest's
 * single layer is the bundle. {@code http://host/…} speaks plain HTTP without auth (as the farm's
 * {@code unifarm.registry.url} and {@code kernel-oci} do); otherwise TLS with the host's container
 * credentials. A by-digest reference is checked against the manifest, and the layer against its digest
 * and size, before the bundle is used.
 */
final class OciBundleSource {

    private static final String PLAIN = "http://";

    private OciBundleSource() {
    }

    static void fetch(String reference, Path target, long maxBytes) {
        boolean insecure = reference.startsWith(PLAIN);
        String bare = insecure ? reference.substring(PLAIN.length()) : reference;
        ContainerRef ref;
        try {
            ref = ContainerRef.parse(bare);
        } catch (RuntimeException e) {
            throw new SourceException(SourceException.INVALID, "spec.source.oci \"" + reference + "\" is not an OCI reference: "
                    + "write [http://]host[:port]/repository:tag or …@sha256:<digest>");
        }
        if (!bare.contains("/")) {
            throw new SourceException(SourceException.INVALID, "spec.source.oci \"" + reference
                    + "\" names no registry host: write host[:port]/repository:tag or …@sha256:<digest>");
        }
        Registry.Builder builder = Registry.builder();
        Registry registry = (insecure ? builder.insecure(ref.getRegistry()) : builder.defaults(ref.getRegistry())).build();
        try {
            Manifest manifest = registry.getManifest(ref);
            checkManifestDigest(reference, bare, manifest);
            Layer layer = singleLayer(reference, manifest.getLayers());
            if (layer.getSize() != null && layer.getSize() > maxBytes) {
                throw new SourceException(SourceException.INVALID, "the bundle of " + reference + " is " + layer.getSize()
                        + " bytes, over the farm's limit of " + maxBytes + " (unifarm.builds.max-upload-bytes)");
            }
            registry.fetchBlob(ref.withDigest(layer.getDigest()), target);
            long size = Files.size(target);
            String got = Digests.of(target);
            if (!got.equals(layer.getDigest()) || (layer.getSize() != null && size != layer.getSize())) {
                throw new SourceException(SourceException.DIGEST_MISMATCH, "the bundle layer of " + reference + " arrived as " + got
                        + " (" + size + " bytes), not " + layer.getDigest() + ": the registry served other bytes; push it again");
            }
        } catch (OrasException e) {
            throw new SourceException(SourceException.FETCH_FAILED, "pulling " + reference + " failed: " + e.getMessage()
                    + "; check that the reference exists and the registry is reachable from the farm", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkManifestDigest(String reference, String bare, Manifest manifest) {
        int at = bare.indexOf('@');
        if (at < 0) {
            return;
        }
        String got = Digests.of(manifest.getJson().getBytes(StandardCharsets.UTF_8));
        if (!got.equals(bare.substring(at + 1))) {
            throw new SourceException(SourceException.DIGEST_MISMATCH, "the registry answered " + reference
                    + " with a manifest of digest " + got);
        }
    }

    private static Layer singleLayer(String reference, List<Layer> layers) {
        if (layers == null || layers.size() != 1) {
            throw new SourceException(SourceException.INVALID, reference + " has " + (layers == null ? 0 : layers.size())
                    + " layers; a bundle artifact has exactly one, the .zip or .tar.gz (oras push host/repo:tag shop.zip)");
        }
        Layer layer = layers.get(0);
        Digests.hex(layer.getDigest()); // a name from the network must be a digest before it is used
        return layer;
    }
}
