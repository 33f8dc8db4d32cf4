package dev.unifarm.imager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The image store as an OCI image layout, shaped the way KraftKit packages unikernels: the store's
 * root holds {@code oci-layout} and {@code index.json} next to the {@code blobs/sha256/} it already
 * has. Each exported image is an image manifest whose config says {@code os} = {@code qemu} (the
 * platform), {@code architecture} = {@code x86_64}, {@code config.Cmd} = the app's argv and
 * {@code config.Env} = its env, with two uncompressed tar layers: the kernel at
 * {@code /unikraft/bin/kernel} and the initrd at {@code /unikraft/bin/initrd}. The index, the
 * manifest and every descriptor carry {@code sh.kraftkit.version} (KraftKit only checks that it is
 * there). The index lists every exported image once, named ({@code org.opencontainers.image.ref.name})
 * by its Unifarm image digest.
 *
 * <p>Our own {@link ImageManifest} travels inside the config, as the label
 * {@code dev.unifarm.image.manifest} (its exact canonical bytes, so its digest — the image's name —
 * survives a registry round trip), and the manifest's annotation {@code dev.unifarm.image.digest}
 * names it. Nothing time-dependent is written (no {@code created} annotations), so the same image
 * always exports to the same OCI manifest digest.
 *
 * <p>{@code 9pfs} images have a tree instead of an initrd and are not exported
 * ({@code oci-unsupported}): KraftKit would pack the tree as an initrd, and the kernels that need a
 * {@code 9pfs} root are those that cannot load one that large.
 */
public final class OciLayout {

    public static final String LAYOUT_FILE = "oci-layout";
    public static final String INDEX_FILE = "index.json";
    /** Beside the layout: which layer blob holds a file's content, so a shared layer is not written twice. */
    public static final String LAYER_NOTES = "oci-layers";
    public static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
    public static final String KERNEL_PATH = "/unikraft/bin/kernel";
    public static final String INITRD_PATH = "/unikraft/bin/initrd";
    /** The platform, as KraftKit names it ({@code plat}): every image boots under QEMU. */
    public static final String OS = "qemu";
    /** Every kernel profile is x86_64 today (the manifest does not record an architecture). */
    public static final String ARCHITECTURE = "x86_64";
    public static final String ANNOTATION_KRAFTKIT_VERSION = "sh.kraftkit.version";
    /** The value we write: Unifarm's version (KraftKit discards the value and checks the key). */
    public static final String KRAFTKIT_VERSION = "0.1.0";
    public static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
    public static final String ANNOTATION_KERNEL = "org.unikraft.kernel.image";
    public static final String ANNOTATION_INITRD = "org.unikraft.kernel.initrd";
    public static final String ANNOTATION_IMAGE_DIGEST = "dev.unifarm.image.digest";
    public static final String LABEL_IMAGE_MANIFEST = "dev.unifarm.image.manifest";

    private final ImageStore store;
    private final LayoutFiles files;
    private final OciIndex index;

    public OciLayout(ImageStore store) {
        this.store = store;
        this.files = new LayoutFiles(store);
        this.index = new OciIndex(files);
    }

    public Path indexPath() {
        return index.path();
    }

    /**
     * Writes the image's layers, config and manifest as blobs and lists it in {@code index.json}.
     * Refuses a {@code 9pfs} image and a kernel that changed since the build.
     */
    public OciImage export(Image image) {
        OciImage oci = new OciExport(files).export(image);
        index.add(oci);
        return oci;
    }

    /** The image's OCI manifest in this layout's index, if it was exported or pulled here. */
    public Optional<OciImage> find(String imageDigest) {
        return index.find(imageDigest);
    }

    /** Every image the index lists. */
    public List<OciImage> entries() {
        return index.entries();
    }

    /** The blobs an OCI manifest references, config first: what a registry push uploads. */
    public List<Blob> references(String manifestDigest) {
        JsonNode manifest = files.readManifest(manifestDigest);
        List<Blob> blobs = new ArrayList<>();
        blobs.add(blob(manifest.path("config")));
        for (JsonNode layer : manifest.path("layers")) {
            blobs.add(blob(layer));
        }
        return blobs;
    }

    /**
     * Every blob of the image's OCI form in this layout (manifest, config, layers); empty when it was
     * not exported. What a sweep must keep while another image still uses it: images share layers.
     */
    public Set<String> blobs(String imageDigest) {
        Optional<OciImage> entry = find(imageDigest);
        if (entry.isEmpty() || !Files.isRegularFile(store.blobPath(entry.get().digest()))) {
            return entry.map(oci -> Set.of(oci.digest())).orElse(Set.of());
        }
        Set<String> blobs = new HashSet<>();
        blobs.add(entry.get().digest());
        references(entry.get().digest()).forEach(blob -> blobs.add(blob.digest()));
        return blobs;
    }

    /**
     * Takes the image out of the layout: its blobs that {@code keep} does not name, then its
     * {@code index.json} entry last, so a sweep interrupted half-way finds the entry again.
     */
    public void remove(String imageDigest, Set<String> keep) {
        for (String blob : blobs(imageDigest)) {
            if (!keep.contains(blob)) {
                try {
                    Files.deleteIfExists(store.blobPath(blob));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        index.remove(imageDigest);
    }

    /** A blob a manifest references. */
    public record Blob(String mediaType, String digest, long size) {
    }

    /**
     * Turns an OCI manifest whose blobs are in the store (e.g. just pulled) back into a bootable
     * image: our manifest from the config's label, the initrd and kernel out of their layers, each
     * checked against the digest the manifest names; then lists it in {@code index.json}.
     */
    public Image unpack(String manifestDigest) {
        Image image = new OciUnpack(files).unpack(manifestDigest);
        index.add(new OciImage(manifestDigest, LayoutFiles.size(store.blobPath(manifestDigest)), image.digest()));
        return image;
    }

    /** The platform every descriptor of ours names. */
    static Map<String, String> platform() {
        return Map.of("architecture", ARCHITECTURE, "os", OS);
    }

    /** {@code sh.kraftkit.version} plus these key/value annotations. */
    static Map<String, String> kraftkit(String... more) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(ANNOTATION_KRAFTKIT_VERSION, KRAFTKIT_VERSION);
        for (int i = 0; i < more.length; i += 2) {
            annotations.put(more[i], more[i + 1]);
        }
        return annotations;
    }

    private static Blob blob(JsonNode descriptor) {
        return new Blob(descriptor.path("mediaType").asText(), descriptor.path("digest").asText(), descriptor.path("size").asLong());
    }
}
