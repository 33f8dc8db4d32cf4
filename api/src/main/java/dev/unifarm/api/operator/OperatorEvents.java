package dev.unifarm.api.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Kubernetes Events about a DotnetApp (fetch, build, boot milestones and failures), as {@code kubectl describe} shows them. */
final class OperatorEvents {

    static final String COMPONENT = "unifarm-operator";
    private static final Logger LOG = Logger.getLogger(OperatorEvents.class);

    private final KubernetesClient client;
    private final Clock clock;

    OperatorEvents(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    void normal(DotnetApp app, String reason, String message) {
        post(app, "Normal", reason, message);
    }

    void warning(DotnetApp app, String reason, String message) {
        post(app, "Warning", reason, message);
    }

    private void post(DotnetApp app, String type, String reason, String message) {
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String namespace = app.getMetadata().getNamespace();
        var event = new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(app.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(app.getApiVersion()).withKind(app.getKind())
                        .withNamespace(namespace).withName(app.getMetadata().getName()).withUid(app.getMetadata().getUid())
                        .withResourceVersion(app.getMetadata().getResourceVersion()).build())
                .withType(type).withReason(reason).withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy: the status holds the same facts, so a refused one must not stop the reconcile.
            LOG.warnf("event %s for %s/%s not recorded: %s", reason, namespace, app.getMetadata().getName(), e.getMessage());
        }
    }
}
