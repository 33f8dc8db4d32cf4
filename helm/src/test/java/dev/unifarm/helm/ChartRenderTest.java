package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@code helm template} with the default values and with ci/all-on-values.yaml: every document parses
 * into fabric8's typed model and the fabric8 mock API server (CRUD mode, the tests' one stand-in: no
 * real API server can run here) accepts it, the CRDs first as Helm installs them.
 */
@EnableKubernetesMockClient(crud = true)
class ChartRenderTest {

    /** The Prometheus Operator's kind: no fabric8 model, so it stays generic (its CRD is not ours to ship). */
    private static final ResourceDefinitionContext SERVICE_MONITORS = new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor").withPlural("servicemonitors")
            .withNamespaced(true).build();

    KubernetesClient client;

    @Test
    void template_defaultValues_rendersTypedObjectsTheApiServerAccepts() {
        List<HasMetadata> objects = typedObjects(null);

        assertThat(kinds(objects)).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "Role",
                "RoleBinding", "Service", "Service", "Deployment");
        createAll(objects);
    }

    @Test
    void template_allOnValues_rendersTypedObjectsTheApiServerAccepts() {
        List<HasMetadata> objects = typedObjects(Charts.ALL_ON);

        assertThat(kinds(objects)).contains("ServiceAccount", "Secret", "ConfigMap", "PersistentVolumeClaim", "Role",
                "RoleBinding", "Service", "Deployment", "ServiceMonitor");
        createAll(objects);
    }

    /** The rendered objects, each parsed by the client's own serialization into its typed model. */
    private List<HasMetadata> typedObjects(Path values) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : Charts.documents(Charts.template(values))) {
            HasMetadata object = client.getKubernetesSerialization().unmarshal(document, HasMetadata.class);
            if ("ServiceMonitor".equals(object.getKind())) {
                assertThat(object).isInstanceOf(GenericKubernetesResource.class);
            } else {
                assertThat(object).as("typed model of\n%s", document).isNotInstanceOf(GenericKubernetesResource.class);
            }
            assertThat(object.getMetadata().getName()).as("name of\n%s", document).isNotBlank();
            objects.add(object);
        }
        return objects;
    }

    private void createAll(List<HasMetadata> objects) {
        for (HasMetadata crd : RenderedObjects.crds(Charts.CHART)) {
            assertThat(crd).isInstanceOf(CustomResourceDefinition.class);
            HasMetadata created = client.resource(crd).create();
            assertAccepted(created, crd);
        }
        for (HasMetadata object : objects) {
            // Objects for other namespaces (watched DotnetApp namespaces) name theirs; the rest go to the release's.
            String namespace = Objects.requireNonNullElse(object.getMetadata().getNamespace(), Charts.NAMESPACE);
            HasMetadata created = object instanceof GenericKubernetesResource generic
                    ? client.genericKubernetesResources(SERVICE_MONITORS).inNamespace(namespace).resource(generic).create()
                    : client.resource(object).inNamespace(namespace).create();
            assertAccepted(created, object);
        }
    }

    private static void assertAccepted(HasMetadata created, HasMetadata sent) {
        assertThat(created.getKind()).isEqualTo(sent.getKind());
        assertThat(created.getMetadata().getName()).isEqualTo(sent.getMetadata().getName());
        assertThat(created.getMetadata().getResourceVersion()).as("%s %s stored by the API server", sent.getKind(),
                sent.getMetadata().getName()).isNotBlank();
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }
}
