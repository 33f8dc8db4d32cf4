package dev.unifarm.imager.oci;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON of the OCI layout and registry documents (index, manifest, config): keys sorted, no
 * insignificant whitespace, and non-ASCII escaped, so the same document is always the same bytes (and
 * the same digest) whatever the platform's default charset.
 */
final class OciJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private OciJson() {
    }

    static byte[] write(Object document) {
        try {
            return MAPPER.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new IllegalStateException("an OCI document always serializes", e);
        }
    }

    /** A descriptor as a sorted map: mediaType, digest, size, then optional platform and annotations. */
    static SortedMap<String, Object> descriptor(String mediaType, String digest, long size, Map<String, String> platform,
            Map<String, String> annotations) {
        SortedMap<String, Object> descriptor = new TreeMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", size);
        if (platform != null) {
            descriptor.put("platform", new TreeMap<>(platform));
        }
        if (annotations != null && !annotations.isEmpty()) {
            descriptor.put("annotations", new TreeMap<>(annotations));
        }
        return descriptor;
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static List<String> list(List<String> values) {
        return List.copyOf(values);
    }
}
