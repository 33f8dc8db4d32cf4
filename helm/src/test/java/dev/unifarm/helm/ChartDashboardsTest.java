package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One ConfigMap per dashboards/*.json file, labelled for the Grafana sidecar. The dashboards themselves
 * belong to the chart (written elsewhere); here a copy of the chart gets two small files of its own so
 * the template is exercised whatever the chart holds today.
 */
class ChartDashboardsTest {

    private static final String OVERVIEW = "{\"title\": \"Test overview\", \"panels\": []}\n";
    private static final String COVERAGE = "{\n  \"title\": \"Test coverage\",\n  \"panels\": [{\"expr\": \"a{b=\\\"c\\\"}\"}]\n}\n";

    @TempDir
    Path temp;

    @Test
    void dashboardsEnabled_rendersOneLabelledConfigMapPerJsonFileWithItsExactContent() throws IOException {
        Path chart = ChartCopy.of(Charts.CHART, temp);
        Path dir = Files.createDirectories(chart.resolve("dashboards"));
        Files.writeString(dir.resolve("test-overview.json"), OVERVIEW);
        Files.writeString(dir.resolve("Test_Coverage.json"), COVERAGE);
        Files.writeString(dir.resolve("notes.txt"), "not a dashboard");
        int shipped = chartDashboards().size();

        List<ConfigMap> maps = dashboardMaps(RenderedObjects.parse(Charts.template(chart, Charts.ALL_ON)));

        assertThat(maps).hasSize(shipped + 2);
        assertThat(maps).allSatisfy(map -> {
            assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
                    .containsEntry("example.test/grafana", "main");
            assertThat(map.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Unifarm");
        });
        assertThat(byName(maps, "unifarm-all-on-dashboard-test-overview").getData()).containsOnlyKeys("test-overview.json")
                .containsEntry("test-overview.json", OVERVIEW.strip());
        assertThat(byName(maps, "unifarm-all-on-dashboard-test-coverage").getData())
                .containsEntry("Test_Coverage.json", COVERAGE.strip());
    }

    @Test
    void chartDashboards_eachBecomesAConfigMapWhenEnabledAndNoneByDefault() throws IOException {
        List<String> files = chartDashboards();

        List<ConfigMap> maps = dashboardMaps(RenderedObjects.parse(Charts.template(Charts.ALL_ON)));

        assertThat(maps.stream().flatMap(m -> m.getData().keySet().stream())).containsExactlyInAnyOrderElementsOf(files);
        assertThat(dashboardMaps(RenderedObjects.parse(Charts.template(null)))).isEmpty();
    }

    private static List<String> chartDashboards() throws IOException {
        List<String> names = new ArrayList<>();
        Path dir = Charts.CHART.resolve("dashboards");
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            }
        }
        return names;
    }

    private static List<ConfigMap> dashboardMaps(List<HasMetadata> objects) {
        return objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(m -> m.getMetadata().getLabels().containsKey("grafana_dashboard")).toList();
    }

    private static ConfigMap byName(List<ConfigMap> maps, String name) {
        return maps.stream().filter(m -> m.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name + " among "
                        + maps.stream().map(m -> m.getMetadata().getName()).toList()));
    }
}
