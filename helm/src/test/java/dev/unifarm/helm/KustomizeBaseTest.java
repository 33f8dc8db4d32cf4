package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/base (kubectl apply -k) and the chart with its default values (release "unifarm" in namespace
 * "unifarm", CRDs included) describe the same objects: the same kinds and names, and the same content
 * once Helm's own bookkeeping (chart and managed-by labels, the config checksum, the keep policy) is set aside.
 */
class KustomizeBaseTest {

    private static final Set<String> HELM_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/managed-by");
    private static final Set<String> HELM_ANNOTATIONS = Set.of("checksum/config", "helm.sh/resource-policy");

    @TempDir
    Path temp;

    @Test
    void base_andChartDefaults_haveTheSameKindsAndNames() {
        assertThat(byKindAndName(base()).keySet()).isEqualTo(byKindAndName(chart()).keySet());
    }

    @Test
    void base_andChartDefaults_haveTheSameContentBesideHelmBookkeeping() {
        Map<String, ObjectNode> base = byKindAndName(base());
        Map<String, ObjectNode> chart = byKindAndName(chart());

        for (Map.Entry<String, ObjectNode> entry : chart.entrySet()) {
            assertThat(withoutHelmBookkeeping(base.get(entry.getKey())))
                    .as("%s in k8s/base vs the chart's default render (change both together)", entry.getKey())
                    .isEqualTo(withoutHelmBookkeeping(entry.getValue()));
        }
    }

    @Test
    void kustomizeBase_refusesAFieldItDoesNotApply() throws IOException {
        Files.writeString(temp.resolve("kustomization.yaml"), "resources: []\npatches:\n  - path: p.yaml\n");

        assertThatThrownBy(() -> KustomizeBase.build(temp)).hasMessageContaining("uses 'patches'");
    }

    private static List<ObjectNode> base() {
        return KustomizeBase.build(Charts.K8S.resolve("base"));
    }

    /** What Helm installs: the crds/ files, then the rendered templates (namespaced ones into the release namespace). */
    private static List<ObjectNode> chart() {
        List<ObjectNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(Charts.CHART.resolve("crds"))) {
            files.sorted().forEach(f -> objects.addAll(KustomizeBase.documents(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ObjectNode object : KustomizeBase.documents(Charts.template(null))) {
            object.withObjectProperty("metadata").put("namespace", Charts.NAMESPACE);
            objects.add(object);
        }
        return objects;
    }

    private static Map<String, ObjectNode> byKindAndName(List<ObjectNode> objects) {
        Map<String, ObjectNode> map = objects.stream().collect(Collectors.toMap(
                o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText(), o -> o, (a, b) -> {
                    throw new AssertionError("twice: " + a.path("kind") + " " + a.path("metadata").path("name"));
                }, TreeMap::new));
        assertThat(map).isNotEmpty();
        return map;
    }

    /** A copy without Helm's labels and annotations anywhere (object and Pod template), empty maps dropped. */
    private static JsonNode withoutHelmBookkeeping(ObjectNode object) {
        assertThat(object).isNotNull();
        ObjectNode copy = object.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            if (obj.get("labels") instanceof ObjectNode labels) {
                labels.remove(HELM_LABELS);
            }
            if (obj.get("annotations") instanceof ObjectNode annotations) {
                annotations.remove(HELM_ANNOTATIONS);
                if (annotations.isEmpty()) {
                    obj.remove("annotations");
                }
            }
            obj.forEach(KustomizeBaseTest::strip);
        } else if (node != null && node.isArray()) {
            node.forEach(KustomizeBaseTest::strip);
        }
    }
}
