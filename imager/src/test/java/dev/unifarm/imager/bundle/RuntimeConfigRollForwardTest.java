package dev.unifarm.imager.bundle;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RollForward;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a runtimeconfig says how its framework may roll forward, read as the .NET host reads it. */
class RuntimeConfigRollForwardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "app.runtimeconfig.json";
    private static final String FRAMEWORK = "{\"name\": \"Microsoft.NETCore.App\", \"version\": \"2.0.0\"";

    @Test
    void testSettings_noneSaidIsEmptyWithPatches() {
        RuntimeConfig.RollForwardSettings settings = parse("{\"runtimeOptions\": {\"framework\": " + FRAMEWORK + "}}}")
                .rollForwardSettings();

        assertThat(settings.policy()).isEmpty();
        assertThat(settings.applyPatches()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"Major, MAJOR", "latestMinor, LATEST_MINOR", "DISABLE, DISABLE", "LatestPatch, LATEST_PATCH"})
    void testSettings_runtimeOptionsRollForwardIsCaseInsensitive(String value, RollForward expected) {
        RuntimeConfig config = parse("{\"runtimeOptions\": {\"rollForward\": \"" + value + "\", \"framework\": " + FRAMEWORK + "}}}");

        assertThat(config.rollForwardSettings().policy()).contains(expected);
    }

    @Test
    void testSettings_frameworkReferenceWinsOverRuntimeOptions() {
        RuntimeConfig config = parse("{\"runtimeOptions\": {\"rollForward\": \"Disable\", \"framework\": " + FRAMEWORK
                + ", \"rollForward\": \"LatestMajor\"}}}");

        assertThat(config.rollForwardSettings().policy()).contains(RollForward.LATEST_MAJOR);
    }

    @Test
    void testSettings_frameworksArrayEntryCarriesRollForward() {
        RuntimeConfig config = parse("{\"runtimeOptions\": {\"frameworks\": [" + FRAMEWORK + ", \"rollForward\": \"major\"}]}}");

        assertThat(config.rollForwardSettings().policy()).contains(RollForward.MAJOR);
    }

    @ParameterizedTest
    @CsvSource({"0, LATEST_PATCH", "1, MINOR", "2, MAJOR"})
    void testSettings_legacyRollForwardOnNoCandidateFx(int value, RollForward expected) {
        RuntimeConfig atOptions = parse("{\"runtimeOptions\": {\"rollForwardOnNoCandidateFx\": " + value
                + ", \"framework\": " + FRAMEWORK + "}}}");
        RuntimeConfig atFramework = parse("{\"runtimeOptions\": {\"framework\": " + FRAMEWORK
                + ", \"rollForwardOnNoCandidateFx\": " + value + "}}}");

        assertThat(atOptions.rollForwardSettings().policy()).contains(expected);
        assertThat(atFramework.rollForwardSettings().policy()).contains(expected);
    }

    @Test
    void testSettings_legacyApplyPatchesFalse() {
        RuntimeConfig config = parse("{\"runtimeOptions\": {\"applyPatches\": false, \"rollForwardOnNoCandidateFx\": 0,"
                + " \"framework\": " + FRAMEWORK + "}}}");

        assertThat(config.rollForwardSettings().policy()).contains(RollForward.LATEST_PATCH);
        assertThat(config.rollForwardSettings().applyPatches()).isFalse();
    }

    @Test
    void testParse_unknownRollForwardIsRefusedNamingTheSix() {
        ImagerException e = failure("invalid-bundle", () -> parse("{\"runtimeOptions\": {\"rollForward\": \"Newest\","
                + " \"framework\": " + FRAMEWORK + "}}}"));

        assertThat(e.getMessage()).contains(NAME).contains("rollForward").contains("Newest")
                .contains("Disable").contains("LatestPatch").contains("Minor").contains("LatestMinor").contains("Major")
                .contains("LatestMajor");
    }

    @Test
    void testParse_nonStringRollForwardIsRefused() {
        ImagerException e = failure("invalid-bundle", () -> parse("{\"runtimeOptions\": {\"framework\": " + FRAMEWORK
                + ", \"rollForward\": 2}}}"));

        assertThat(e.getMessage()).contains("the framework reference.rollForward is 2");
    }

    @ParameterizedTest
    @CsvSource({"3", "-1", "'\"1\"'", "1.5"})
    void testParse_badRollForwardOnNoCandidateFxIsRefused(String value) {
        ImagerException e = failure("invalid-bundle", () -> parse("{\"runtimeOptions\": {\"rollForwardOnNoCandidateFx\": "
                + value + ", \"framework\": " + FRAMEWORK + "}}}"));

        assertThat(e.getMessage()).contains("rollForwardOnNoCandidateFx").contains("0, 1 or 2");
    }

    @Test
    void testParse_nonBooleanApplyPatchesIsRefused() {
        ImagerException e = failure("invalid-bundle", () -> parse("{\"runtimeOptions\": {\"applyPatches\": \"no\","
                + " \"framework\": " + FRAMEWORK + "}}}"));

        assertThat(e.getMessage()).contains("applyPatches").contains("true or false");
    }

    @Test
    void testParse_rollForwardMixedWithLegacySettingIsRefusedAsTheHostDoes() {
        ImagerException e = failure("invalid-bundle", () -> parse("{\"runtimeOptions\": {\"rollForward\": \"Major\","
                + " \"framework\": " + FRAMEWORK + ", \"rollForwardOnNoCandidateFx\": 2}}}"));

        assertThat(e.getMessage()).contains("both").contains("keep only \"rollForward\"");
    }

    @Test
    void testWithFrameworkVersion_pinsTheVersionAndKeepsTheRest() throws IOException {
        RuntimeConfig config = parse("{\"runtimeOptions\": {\"tfm\": \"netcoreapp2.0\", \"rollForward\": \"Major\","
                + " \"framework\": {\"name\": \"Microsoft.NETCore.App\", \"version\": \"1.1.0\"}}}");

        RuntimeConfig pinned = config.withFrameworkVersion("2.0.0");

        assertThat(pinned.frameworkVersion()).isEqualTo("2.0.0");
        assertThat(pinned.frameworkName()).isEqualTo("Microsoft.NETCore.App");
        JsonNode written = JSON.readTree(pinned.withInvariantGlobalization());
        assertThat(written.at("/runtimeOptions/framework/version").asText()).isEqualTo("2.0.0");
        assertThat(written.at("/runtimeOptions/tfm").asText()).isEqualTo("netcoreapp2.0");
        assertThat(config.json().at("/runtimeOptions/framework/version").asText()).as("original untouched").isEqualTo("1.1.0");
    }

    @Test
    void testWithFrameworkVersion_pinsTheFirstOfAFrameworksArray() {
        RuntimeConfig config = parse("{\"runtimeOptions\": {\"frameworks\": [" + FRAMEWORK + "}]}}");

        RuntimeConfig pinned = config.withFrameworkVersion("2.0.9");

        assertThat(pinned.json().at("/runtimeOptions/frameworks/0/version").asText()).isEqualTo("2.0.9");
    }

    private static RuntimeConfig parse(String json) {
        return RuntimeConfig.parse(NAME, json.getBytes(StandardCharsets.UTF_8));
    }
}
