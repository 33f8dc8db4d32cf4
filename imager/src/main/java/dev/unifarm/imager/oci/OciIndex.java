package dev.unifarm.imager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unifarm.imager.model.OciImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The layout's {@code index.json}: every exported or pulled image once, named by its Unifarm image digest. */
final class OciIndex {

    private static final byte[] LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII);
    /** index.json is read, changed and replaced whole; one writer at a time in this JVM. */
    private static final Object INDEX_LOCK = new Object();

    private final LayoutFiles files;

    OciIndex(LayoutFiles files) {
        this.files = files;
    }

    Path path() {
        return files.store().dir().resolve(OciLayout.INDEX_FILE);
    }

    Optional<OciImage> find(String imageDigest) {
        return entries().stream().filter(entry -> imageDigest.equals(entry.imageDigest())).findFirst();
    }

    List<OciImage> entries() {
        Path index = path();
        if (!Files.isRegularFile(index)) {
            return List.of();
        }
        try {
            List<OciImage> images = new ArrayList<>();
            for (JsonNode entry : OciJson.MAPPER.readTree(index.toFile()).path("manifests")) {
                images.add(new OciImage(entry.path("digest").asText(), entry.path("size").asLong(),
                        entry.path("annotations").path(OciLayout.ANNOTATION_REF_NAME).asText()));
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lists the image (replacing an entry of the same image digest); writes {@code oci-layout} on first use. */
    void add(OciImage image) {
        synchronized (INDEX_LOCK) {
            try {
                Path layout = files.store().dir().resolve(OciLayout.LAYOUT_FILE);
                if (!Files.isRegularFile(layout)) {
                    files.writeAtomically(layout, LAYOUT);
                }
                List<OciImage> images = new ArrayList<>(entries().stream()
                        .filter(entry -> !entry.imageDigest().equals(image.imageDigest())).toList());
                images.add(image);
                write(images);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Takes the image's entry out, if it has one. */
    void remove(String imageDigest) {
        synchronized (INDEX_LOCK) {
            if (find(imageDigest).isPresent()) {
                write(entries().stream().filter(entry -> !entry.imageDigest().equals(imageDigest)).toList());
            }
        }
    }

    /** Replaces {@code index.json} with these entries, sorted by name; the caller holds {@code INDEX_LOCK}. */
    private void write(List<OciImage> images) {
        List<Map<String, Object>> manifests = new ArrayList<>(images.stream().map(OciIndex::entry).toList());
        manifests.sort(Comparator.comparing(entry -> refName(entry)));
        SortedMap<String, Object> index = new TreeMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciLayout.INDEX_MEDIA_TYPE);
        index.put("manifests", manifests);
        index.put("annotations", OciLayout.kraftkit());
        try {
            files.writeAtomically(path(), OciJson.write(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static String refName(Map<String, Object> entry) {
        return ((Map<String, String>) entry.get("annotations")).get(OciLayout.ANNOTATION_REF_NAME);
    }

    private static Map<String, Object> entry(OciImage image) {
        return OciJson.descriptor(OciLayout.MANIFEST_MEDIA_TYPE, image.digest(), image.size(), OciLayout.platform(),
                OciLayout.kraftkit(OciLayout.ANNOTATION_REF_NAME, image.imageDigest()));
    }
}
