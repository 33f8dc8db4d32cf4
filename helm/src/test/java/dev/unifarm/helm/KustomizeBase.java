package dev.unifarm.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kubectl apply -k} would send for a kustomization that uses only {@code resources} (files,
 * or directories with their own kustomization) and {@code namespace}: no kustomize binary can be assumed
 * on a fresh machine, so this reads exactly that subset and refuses anything else by name.
 */
final class KustomizeBase {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> UNDERSTOOD = Set.of("apiVersion", "kind", "namespace", "resources");
    /** Kinds the namespace transformer leaves alone. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("CustomResourceDefinition", "Namespace", "ClusterRole",
            "ClusterRoleBinding", "PersistentVolume", "StorageClass", "PriorityClass");

    private KustomizeBase() {
    }

    /** The objects of the kustomization in {@code dir}, as YAML trees, namespace applied. */
    static List<ObjectNode> build(Path dir) {
        JsonNode kustomization = tree(dir.resolve("kustomization.yaml"));
        for (Map.Entry<String, JsonNode> property : kustomization.properties()) {
            String field = property.getKey();
            if (!UNDERSTOOD.contains(field)) {
                throw new IllegalStateException(dir + "/kustomization.yaml uses '" + field + "'; KustomizeBase reads only "
                        + UNDERSTOOD + ": keep the base free of patches and generators, or teach KustomizeBase the new field");
            }
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(build(path));
            } else {
                objects.addAll(documents(path));
            }
        }
        String namespace = kustomization.path("namespace").asText(null);
        if (namespace != null) {
            objects.stream().filter(o -> !CLUSTER_SCOPED.contains(o.path("kind").asText()))
                    .forEach(o -> o.withObjectProperty("metadata").put("namespace", namespace));
        }
        return objects;
    }

    static List<ObjectNode> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ObjectNode> documents(String yamlStream) {
        List<ObjectNode> objects = new ArrayList<>();
        for (String document : Charts.documents(yamlStream)) {
            try {
                objects.add((ObjectNode) YAML.readTree(document));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    private static JsonNode tree(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
