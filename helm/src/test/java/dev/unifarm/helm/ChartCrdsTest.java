package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart installs the very CRDs committed under k8s/crds/ (generated there from the operator's classes). */
class ChartCrdsTest {

    private static final String SYNC = "helm/unifarm/crds/ must be a copy of k8s/crds/ (without its kustomization.yaml); "
            + "sync with: rm -f helm/unifarm/crds/*.yml && cp k8s/crds/*.yml helm/unifarm/crds/";

    @Test
    void chartCrds_equalK8sCrdsByteForByte() throws IOException {
        Path chartCrds = Charts.CHART.resolve("crds");
        Path k8sCrds = Charts.K8S.resolve("crds");

        assertThat(crdFiles(chartCrds)).as(SYNC).isEqualTo(crdFiles(k8sCrds)).isNotEmpty();
        for (String name : crdFiles(k8sCrds)) {
            assertThat(Files.readAllBytes(chartCrds.resolve(name))).as(SYNC + " (%s differs)", name)
                    .isEqualTo(Files.readAllBytes(k8sCrds.resolve(name)));
        }
    }

    @Test
    void dotnetAppCrd_isNamespacedV1alpha1WithStatusSubresource() {
        List<HasMetadata> crds = RenderedObjects.crds(Charts.CHART);

        CustomResourceDefinition crd = crds.stream().filter(c -> c.getMetadata().getName().equals("dotnetapps.unifarm.dev"))
                .map(CustomResourceDefinition.class::cast).findFirst().orElseThrow();
        assertThat(crd.getSpec().getGroup()).isEqualTo("unifarm.dev");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("DotnetApp");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getVersions()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getStorage()).isTrue();
            assertThat(v.getSubresources().getStatus()).isNotNull();
        });
    }

    /** The CRD manifests of a directory, by name; k8s/crds' kustomization.yaml is not one. */
    private static List<String> crdFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> (n.endsWith(".yml") || n.endsWith(".yaml")) && !n.equals("kustomization.yaml"))
                    .sorted().toList();
        }
    }
}
