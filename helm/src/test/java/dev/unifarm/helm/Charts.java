package dev.unifarm.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The chart and the kustomize tree under test, and {@code helm template} with this repo's release name. */
final class Charts {

    /** The kustomize base installs into this namespace; the chart is rendered as the same release. */
    static final String RELEASE = "unifarm";
    static final String NAMESPACE = "unifarm";

    static final Path CHART = Path.of(System.getProperty("helm.chart.dir", "unifarm")).toAbsolutePath().normalize();
    static final Path K8S = Path.of(System.getProperty("helm.k8s.dir", "../k8s")).toAbsolutePath().normalize();
    static final Path ALL_ON = CHART.resolve("ci/all-on-values.yaml");

    private Charts() {
    }

    /** {@code helm template unifarm <chart> -n unifarm [-f values]}: the rendered multi-document YAML. */
    static String template(Path chart, Path valuesFile) {
        TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesFile != null) {
            command = command.withValuesFile(valuesFile);
        }
        return command.call();
    }

    static String template(Path valuesFile) {
        return template(CHART, valuesFile);
    }

    /** The YAML documents of a stream, empty ones (a template that rendered nothing) left out. */
    static List<String> documents(String yaml) {
        return Arrays.stream(yaml.split("(?m)^---[ \\t]*$"))
                .filter(doc -> doc.lines().anyMatch(line -> !line.isBlank() && !line.stripLeading().startsWith("#")))
                .toList();
    }
}
