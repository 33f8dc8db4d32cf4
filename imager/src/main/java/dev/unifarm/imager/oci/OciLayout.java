package dev.unifarm.imager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.imager.model.Digests;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.ImageManifest;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.imager.model.OciImage;
import dev.unifarm.imager.store.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
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

    private static final byte[] LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII);
    /** index.json is read, changed and replaced whole; one writer at a time in this JVM. */
    private static final Object INDEX_LOCK = new Object();

    private final ImageStore store;

    public OciLayout(ImageStore store) {
        this.store = store;
    }

    public Path indexPath() {
        return store.dir().resolve(INDEX_FILE);
    }

    /**
     * Writes the image's layers, config and manifest as blobs and lists it in {@code index.json}.
     * Refuses a {@code 9pfs} image and a kernel that changed since the build.
     */
    public OciImage export(Image image) {
        ImageManifest manifest = image.manifest();
        if (manifest.boot().rootfsDelivery() == KernelProfile.Delivery.NINE_P) {
            throw new ImagerException("oci-unsupported", "image " + image.digest() + " has a 9pfs root (a tree, not an initrd):"
                    + " only initrd images are exported as OCI images");
        }
        LayerTar.Written kernel = layer(image.kernel(), KERNEL_PATH, manifest.kernelDigest(), "kernel");
        LayerTar.Written initrd = layer(image.initrd(), INITRD_PATH, manifest.initrd(), "initrd");
        byte[] config = OciJson.write(config(image, storedManifest(image), List.of(kernel.digest(), initrd.digest())));
        String configDigest = putBytes(config);
        Map<String, String> platform = platform();
        SortedMap<String, Object> document = new TreeMap<>();
        document.put("schemaVersion", 2);
        document.put("mediaType", MANIFEST_MEDIA_TYPE);
        document.put("config", OciJson.descriptor(CONFIG_MEDIA_TYPE, configDigest, config.length, platform, kraftkit()));
        document.put("layers", List.of(
                OciJson.descriptor(LAYER_MEDIA_TYPE, kernel.digest(), kernel.size(), null, kraftkit(ANNOTATION_KERNEL, KERNEL_PATH)),
                OciJson.descriptor(LAYER_MEDIA_TYPE, initrd.digest(), initrd.size(), null, kraftkit(ANNOTATION_INITRD, INITRD_PATH))));
        document.put("annotations", kraftkit(ANNOTATION_IMAGE_DIGEST, image.digest()));
        byte[] json = OciJson.write(document);
        OciImage oci = new OciImage(putBytes(json), json.length, image.digest());
        addToIndex(oci);
        return oci;
    }

    /** The image's OCI manifest in this layout's index, if it was exported or pulled here. */
    public Optional<OciImage> find(String imageDigest) {
        return entries().stream().filter(entry -> imageDigest.equals(entry.imageDigest())).findFirst();
    }

    /** Every image the index lists. */
    public List<OciImage> entries() {
        Path index = indexPath();
        if (!Files.isRegularFile(index)) {
            return List.of();
        }
        try {
            List<OciImage> images = new ArrayList<>();
            for (JsonNode entry : OciJson.MAPPER.readTree(index.toFile()).path("manifests")) {
                images.add(new OciImage(entry.path("digest").asText(), entry.path("size").asLong(),
                        entry.path("annotations").path(ANNOTATION_REF_NAME).asText()));
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The blobs an OCI manifest references, config first: what a registry push uploads. */
    public List<Blob> references(String manifestDigest) {
        JsonNode manifest = readManifest(manifestDigest);
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
        synchronized (INDEX_LOCK) {
            if (find(imageDigest).isPresent()) {
                writeIndex(entries().stream().filter(entry -> !entry.imageDigest().equals(imageDigest)).toList());
            }
        }
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
        JsonNode manifest = readManifest(manifestDigest);
        String imageDigest = manifest.path("annotations").path(ANNOTATION_IMAGE_DIGEST).asText(null);
        if (imageDigest == null) {
            throw new ImagerException("oci-invalid", "OCI manifest " + manifestDigest + " has no " + ANNOTATION_IMAGE_DIGEST
                    + " annotation: it was not exported by Unifarm");
        }
        JsonNode config = readJson(manifest.path("config").path("digest").asText());
        String manifestJson = config.path("config").path("Labels").path(LABEL_IMAGE_MANIFEST).asText(null);
        if (manifestJson == null) {
            throw new ImagerException("oci-invalid", "the config of OCI manifest " + manifestDigest + " has no "
                    + LABEL_IMAGE_MANIFEST + " label");
        }
        byte[] imageManifestBytes = manifestJson.getBytes(StandardCharsets.UTF_8);
        if (!Digests.of(imageManifestBytes).equals(imageDigest)) {
            throw new ImagerException("oci-invalid", "the image manifest in OCI manifest " + manifestDigest
                    + " does not have the digest its annotation names (" + imageDigest + ")");
        }
        ImageManifest imageManifest = ImageStore.parseManifest(imageManifestBytes);
        for (JsonNode layer : manifest.path("layers")) {
            Path layerBlob = store.blobPath(layer.path("digest").asText());
            extractInto(layerBlob, KERNEL_PATH, imageManifest.kernelDigest());
            extractInto(layerBlob, INITRD_PATH, imageManifest.initrd());
        }
        for (String needed : List.of(imageManifest.kernelDigest(), imageManifest.initrd())) {
            if (!Files.isRegularFile(store.blobPath(needed))) {
                throw new ImagerException("oci-invalid", "OCI manifest " + manifestDigest + " has no layer holding "
                        + (needed.equals(imageManifest.initrd()) ? INITRD_PATH : KERNEL_PATH) + " with digest " + needed);
            }
        }
        putBytes(imageManifestBytes);
        Image image = store.image(imageDigest).orElseThrow();
        addToIndex(new OciImage(manifestDigest, size(store.blobPath(manifestDigest)), imageDigest));
        return image;
    }

    private void extractInto(Path layer, String path, String digest) {
        if (Files.isRegularFile(store.blobPath(digest))) {
            return;
        }
        Path temp = store.newTempFile();
        try {
            Optional<String> found = LayerTar.extract(layer, path, temp);
            if (found.isEmpty()) {
                return;
            }
            if (!found.get().equals(digest)) {
                throw new ImagerException("oci-invalid", path + " in layer " + layer.getFileName() + " has digest " + found.get()
                        + ", the image manifest names " + digest);
            }
            store.putBlob(temp, digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private LayerTar.Written layer(Path source, String path, String expected, String what) {
        Optional<LayerTar.Written> known = knownLayer(path, expected);
        if (known.isPresent()) {
            return known.get();
        }
        Path temp = store.newTempFile();
        try {
            LayerTar.Written written = LayerTar.write(source, path, temp);
            if (expected != null && !expected.equals(written.contentDigest())) {
                throw new ImagerException("oci-unsupported", "the " + what + " " + source + " has digest " + written.contentDigest()
                        + " but the image was built with " + expected + ": it changed since the build; build the app again");
            }
            store.putBlob(temp, written.digest());
            Files.createDirectories(layerNote(path, written.contentDigest()).getParent());
            writeAtomically(layerNote(path, written.contentDigest()),
                    (written.digest() + " " + written.size()).getBytes(StandardCharsets.US_ASCII));
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * The layer written before for this content at this path, if its blob is still whole: every image of
     * a kernel shares its layer, every image of a root filesystem its initrd layer, and writing one
     * again would read, hash and write the whole file (~90 MB for hello) for the same bytes.
     */
    private Optional<LayerTar.Written> knownLayer(String path, String contentDigest) {
        Path note = contentDigest == null ? null : layerNote(path, contentDigest);
        if (note == null || !Files.isRegularFile(note)) {
            return Optional.empty();
        }
        try {
            String[] fields = Files.readString(note, StandardCharsets.US_ASCII).trim().split(" ");
            Path blob = store.blobPath(fields[0]);
            long size = Long.parseLong(fields[1]);
            return Files.isRegularFile(blob) && Files.size(blob) == size
                    ? Optional.of(new LayerTar.Written(fields[0], size, contentDigest))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable note only costs writing the layer again
        }
    }

    /** {@code oci-layers/<sha256 of path and content digest>}: names the layer blob holding that content at that path. */
    private Path layerNote(String path, String contentDigest) {
        String key = Digests.of((path + "\n" + contentDigest).getBytes(StandardCharsets.UTF_8));
        return store.dir().resolve(LAYER_NOTES).resolve(Digests.hex(key));
    }

    /** Our manifest's bytes exactly as stored (their sha256 is the image digest). */
    private String storedManifest(Image image) {
        try {
            byte[] bytes = Files.readAllBytes(store.blobPath(image.digest()));
            if (!Digests.of(bytes).equals(image.digest())) {
                throw new IllegalStateException("the store's blob " + image.digest() + " does not match its name");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> config(Image image, String manifestJson, List<String> diffIds) {
        ImageManifest manifest = image.manifest();
        List<String> cmd = new ArrayList<>();
        if (manifest.boot().loader() != null) {
            cmd.add(manifest.boot().loader());
        }
        cmd.add(manifest.executable());
        cmd.add(manifest.entrypoint());
        cmd.addAll(manifest.args());
        List<String> env = manifest.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        SortedMap<String, Object> runConfig = new TreeMap<>();
        runConfig.put("Cmd", cmd);
        runConfig.put("Env", env);
        runConfig.put("Labels", Map.of(LABEL_IMAGE_MANIFEST, manifestJson));
        SortedMap<String, Object> config = new TreeMap<>();
        config.put("architecture", ARCHITECTURE);
        config.put("os", OS);
        config.put("config", runConfig);
        config.put("rootfs", OciJson.map("type", "layers", "diff_ids", diffIds));
        return config;
    }

    private static Map<String, String> platform() {
        return Map.of("architecture", ARCHITECTURE, "os", OS);
    }

    private static Map<String, String> kraftkit(String... more) {
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(ANNOTATION_KRAFTKIT_VERSION, KRAFTKIT_VERSION);
        for (int i = 0; i < more.length; i += 2) {
            annotations.put(more[i], more[i + 1]);
        }
        return annotations;
    }

    private void addToIndex(OciImage image) {
        synchronized (INDEX_LOCK) {
            try {
                Path layout = store.dir().resolve(LAYOUT_FILE);
                if (!Files.isRegularFile(layout)) {
                    writeAtomically(layout, LAYOUT);
                }
                List<OciImage> images = new ArrayList<>(entries().stream()
                        .filter(entry -> !entry.imageDigest().equals(image.imageDigest())).toList());
                images.add(image);
                writeIndex(images);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Replaces {@code index.json} with these entries, sorted by name; the caller holds {@code INDEX_LOCK}. */
    private void writeIndex(List<OciImage> images) {
        List<Map<String, Object>> manifests = new ArrayList<>(images.stream().map(OciLayout::indexEntry).toList());
        manifests.sort(Comparator.comparing(entry -> refName(entry)));
        SortedMap<String, Object> index = new TreeMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_MEDIA_TYPE);
        index.put("manifests", manifests);
        index.put("annotations", kraftkit());
        try {
            writeAtomically(indexPath(), OciJson.write(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static String refName(Map<String, Object> entry) {
        return ((Map<String, String>) entry.get("annotations")).get(ANNOTATION_REF_NAME);
    }

    private static Map<String, Object> indexEntry(OciImage image) {
        return OciJson.descriptor(MANIFEST_MEDIA_TYPE, image.digest(), image.size(), platform(),
                kraftkit(ANNOTATION_REF_NAME, image.imageDigest()));
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = store.newTempFile();
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            deleteQuietly(temp);
        }
    }

    private JsonNode readManifest(String manifestDigest) {
        JsonNode manifest = readJson(manifestDigest);
        if (!MANIFEST_MEDIA_TYPE.equals(manifest.path("mediaType").asText())) {
            throw new ImagerException("oci-invalid", manifestDigest + " is not an OCI image manifest");
        }
        return manifest;
    }

    private JsonNode readJson(String digest) {
        Path blob = store.blobPath(digest);
        if (!Files.isRegularFile(blob)) {
            throw new ImagerException("oci-missing", "blob " + digest + " is not in the store");
        }
        try {
            return OciJson.MAPPER.readTree(blob.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Blob blob(JsonNode descriptor) {
        return new Blob(descriptor.path("mediaType").asText(), descriptor.path("digest").asText(), descriptor.path("size").asLong());
    }

    private String putBytes(byte[] bytes) {
        String digest = Digests.of(bytes);
        Path temp = store.newTempFile();
        try {
            Files.write(temp, bytes);
            store.putBlob(temp, digest);
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; the store's tmp dir is not content
        }
    }
}
