package dev.unifarm.imager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import land.oras.ContainerRef;
import land.oras.Manifest;
import land.oras.Registry;
import land.oras.exception.OrasException;

/**
 * Pushes exported images to an OCI registry and pulls them back by digest, through the ORAS Java SDK's
 * {@link Registry}. An {@code http://} URL is spoken to in plain HTTP (ORAS "insecure": no TLS, no
 * auth), as for a registry on loopback; {@code https://} (or no scheme) uses TLS and the host's
 * container credentials. Images go by digest only (no tags): {@code <host:port>/<repository>@sha256:…}.
 * Every byte pulled is checked against the digest that names it before it enters the store.
 */
public final class OciRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    private final String hostPort;

    public OciRegistry(String url) {
        URI uri = URI.create(url.contains("://") ? url : "https://" + url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not a registry URL: " + url);
        }
        this.hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        Registry.Builder builder = Registry.builder();
        builder = "http".equals(uri.getScheme()) ? builder.insecure(hostPort) : builder.defaults(hostPort);
        this.registry = builder.build();
    }

    /** {@code <host:port>/<repository>@<digest>}. */
    public String reference(String repository, String digest) {
        Digests.hex(digest);
        return hostPort + "/" + repository + "@" + digest;
    }

    /**
     * Uploads the image's config, layers and OCI manifest (blobs the registry already has are not sent
     * again) and returns the reference by digest.
     */
    public String push(ImageStore store, OciImage image, String repository) {
        OciLayout layout = new OciLayout(store);
        ContainerRef ref = ContainerRef.parse(reference(repository, image.digest()));
        try {
            for (OciLayout.Blob blob : layout.references(image.digest())) {
                registry.pushBlob(ref.withDigest(blob.digest()), store.blobPath(blob.digest()), Map.of());
            }
            String json = Files.readString(store.blobPath(image.digest()), StandardCharsets.UTF_8);
            Manifest pushed = registry.pushManifest(ref, Manifest.fromJson(json));
            String answered = pushed.getDescriptor() != null ? pushed.getDescriptor().getDigest() : null;
            if (answered != null && !answered.equals(image.digest())) {
                throw new ImagerException("registry-error", "the registry stored the manifest of " + image.imageDigest()
                        + " as " + answered + ", not " + image.digest());
            }
            return reference(repository, image.digest());
        } catch (OrasException e) {
            throw new ImagerException("registry-error", "pushing " + reference(repository, image.digest()) + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Pulls the OCI manifest {@code digest} of {@code repository} and every blob it references into the
     * store (those already there are kept), then unpacks it into a bootable image.
     */
    public Image pull(ImageStore store, String repository, String digest) {
        ContainerRef ref = ContainerRef.parse(reference(repository, digest));
        try {
            Manifest manifest = registry.getManifest(ref);
            byte[] json = manifest.getJson().getBytes(StandardCharsets.UTF_8);
            if (!Digests.of(json).equals(digest)) {
                throw new ImagerException("registry-error", "the registry answered " + ref + " with a manifest of digest "
                        + Digests.of(json));
            }
            putVerified(store, json, digest);
            for (OciLayout.Blob blob : new OciLayout(store).references(digest)) {
                fetchVerified(store, ref, blob);
            }
        } catch (OrasException e) {
            throw new ImagerException("registry-error", "pulling " + ref + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OciLayout(store).unpack(digest);
    }

    /**
     * Pulls the kernel of a KraftKit-style image ({@code /unikraft/bin/kernel} in a layer, the one
     * annotated {@code org.unikraft.kernel.image} first) into the store and returns its digest. A
     * by-digest reference is checked against the manifest the registry answers.
     */
    public String pullKernel(ImageStore store, String repositoryReference) {
        ContainerRef ref = ContainerRef.parse(hostPort + "/" + repositoryReference);
        try {
            byte[] json = registry.getManifest(ref).getJson().getBytes(StandardCharsets.UTF_8);
            int at = repositoryReference.indexOf("@sha256:");
            if (at >= 0 && !Digests.of(json).equals(repositoryReference.substring(at + 1))) {
                throw new ImagerException("registry-error", "the registry answered " + ref + " with a manifest of digest "
                        + Digests.of(json));
            }
            for (OciLayout.Blob layer : kernelLayersFirst(json)) {
                Path blob = fetchVerified(store, ref, layer);
                Path kernel = store.newTempFile();
                try {
                    Optional<String> digest = LayerTar.extract(blob, OciLayout.KERNEL_PATH, kernel);
                    if (digest.isPresent()) {
                        store.putBlob(kernel, digest.get());
                        return digest.get();
                    }
                } finally {
                    Files.deleteIfExists(kernel);
                }
            }
            throw new ImagerException("kernel-reference", ref + " has no layer holding " + OciLayout.KERNEL_PATH
                    + ": name a unikernel image packaged as KraftKit does");
        } catch (OrasException e) {
            throw new ImagerException("registry-error", "pulling the kernel " + ref + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<OciLayout.Blob> kernelLayersFirst(byte[] manifestJson) throws IOException {
        JsonNode manifest = JSON.readTree(manifestJson);
        List<OciLayout.Blob> annotated = new ArrayList<>();
        List<OciLayout.Blob> others = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            OciLayout.Blob blob = new OciLayout.Blob(layer.path("mediaType").asText(), layer.path("digest").asText(),
                    layer.path("size").asLong());
            Digests.hex(blob.digest()); // a blob name from the network must be a digest before it names a file
            (layer.path("annotations").has(OciLayout.ANNOTATION_KERNEL) ? annotated : others).add(blob);
        }
        annotated.addAll(others);
        return annotated;
    }

    /** The blob from the store, or fetched from the registry and checked against its digest and size. */
    private Path fetchVerified(ImageStore store, ContainerRef ref, OciLayout.Blob blob) throws IOException {
        Path path = store.blobPath(blob.digest());
        if (Files.isRegularFile(path)) {
            return path;
        }
        Path temp = store.newTempFile();
        Files.delete(temp); // ORAS writes the blob to a path that must not exist yet
        try {
            registry.fetchBlob(ref.withDigest(blob.digest()), temp);
            String got = Digests.of(temp);
            if (!got.equals(blob.digest()) || Files.size(temp) != blob.size()) {
                throw new ImagerException("registry-error", "blob " + blob.digest() + " of " + ref + " arrived as " + got
                        + " (" + Files.size(temp) + " bytes, " + blob.size() + " expected)");
            }
            return store.putBlob(temp, blob.digest());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void putVerified(ImageStore store, byte[] bytes, String digest) throws IOException {
        Path temp = store.newTempFile();
        try {
            Files.write(temp, bytes);
            store.putBlob(temp, digest);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
