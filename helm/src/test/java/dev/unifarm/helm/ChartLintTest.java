package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helm lint --strict} is clean with the default values and with ci/all-on-values.yaml. */
class ChartLintTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path temp;

    @Test
    void lintStrict_defaultValues_isClean() {
        assertClean(new Helm(Charts.CHART).lint().strict().call());
    }

    @Test
    void lintStrict_allOnValues_isClean() {
        // helm-java 0.0.15's lint takes no values file: lint a copy whose values.yaml is the all-on file.
        Path copy = ChartCopy.withValues(Charts.CHART, temp, Charts.ALL_ON);
        assertClean(new Helm(copy).lint().strict().call());
    }

    /** "Every option on" holds only if the all-on file sets every key values.yaml has (empty maps and lists filled). */
    @Test
    void allOnValues_setEveryKeyOfTheDefaults() throws IOException {
        JsonNode allOn = YAML.readTree(Charts.ALL_ON.toFile());
        List<String> unset = new ArrayList<>();
        collectUnset("", YAML.readTree(Charts.CHART.resolve("values.yaml").toFile()), allOn, unset);

        assertThat(unset).as("keys of values.yaml that ci/all-on-values.yaml leaves unset or empty").isEmpty();
    }

    private static void assertClean(LintResult result) {
        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("lint messages").noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    private static void collectUnset(String path, JsonNode defaults, JsonNode allOn, List<String> unset) {
        if (allOn == null || allOn.isNull() || (allOn.isContainerNode() && allOn.isEmpty())) {
            unset.add(path);
        } else if (defaults.isObject() && !defaults.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : defaults.properties()) {
                collectUnset(path + "/" + field.getKey(), field.getValue(), allOn.get(field.getKey()), unset);
            }
        }
    }
}
