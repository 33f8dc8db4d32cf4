package dev.unifarm.api.operator;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A .NET app the farm runs ({@code kubectl apply -f shop.yaml}): where its bundle comes from and how
 * it runs (spec), what the farm made of it (status). The CRD under {@code k8s/crds/} is generated from
 * these classes at build time.
 */
@Group(DotnetApp.GROUP)
@Version(DotnetApp.VERSION)
@Kind("DotnetApp")
@Plural("dotnetapps")
@Singular("dotnetapp")
@ShortNames("dna")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Coverage", jsonPath = ".status.coverage.observed", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DotnetApp extends CustomResource<DotnetAppSpec, DotnetAppStatus> implements Namespaced {

    public static final String GROUP = "unifarm.dev";
    public static final String VERSION = "v1alpha1";

    /** The farm app behind this resource: {@code <namespace>-<name>}, since farm app names are global. */
    public String farmAppName() {
        return getMetadata().getNamespace() + "-" + getMetadata().getName();
    }
}
