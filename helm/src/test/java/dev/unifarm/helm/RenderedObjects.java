package dev.unifarm.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** YAML documents turned into fabric8's typed model (an unknown kind becomes a GenericKubernetesResource). */
final class RenderedObjects {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private RenderedObjects() {
    }

    static List<HasMetadata> parse(String yamlStream) {
        return Charts.documents(yamlStream).stream().map(RenderedObjects::parseOne).toList();
    }

    static HasMetadata parseOne(String document) {
        KubernetesResource resource = SERIALIZATION.unmarshal(document, KubernetesResource.class);
        if (!(resource instanceof HasMetadata object)) {
            throw new AssertionError("not a Kubernetes object with metadata:\n" + document);
        }
        return object;
    }

    /** The chart's crds/ files: Helm installs them before the templates, and {@code helm template} leaves them out. */
    static List<HasMetadata> crds(Path chart) {
        try (Stream<Path> files = Files.list(chart.resolve("crds"))) {
            return files.sorted().map(RenderedObjects::read).flatMap(List::stream).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
