package dev.unifarm.imager.bundle;

import static dev.unifarm.imager.ImagerFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.imager.RealParts;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class RuntimeConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "app.runtimeconfig.json";

    @Test
    void testParse_helloSample() throws IOException {
        byte[] bytes = Files.readAllBytes(RealParts.sampleDir("hello").resolve("hello.runtimeconfig.json"));

        RuntimeConfig config = RuntimeConfig.parse("hello.runtimeconfig.json", bytes);

        assertThat(config.fileName()).isEqualTo("hello.runtimeconfig.json");
        assertThat(config.frameworkName()).isEqualTo("Microsoft.NETCore.App");
        assertThat(config.frameworkVersion()).isEqualTo("2.0.0");
        assertThat(config.frameworkDependent()).isTrue();
    }

    @Test
    void testParse_frameworksArrayTakesFirst() {
        RuntimeConfig config = parse("""
                {"runtimeOptions": {"frameworks": [
                  {"name": "Microsoft.NETCore.App", "version": "2.1.0"},
                  {"name": "Microsoft.AspNetCore.App", "version": "2.1.0"}]}}""");

        assertThat(config.frameworkName()).isEqualTo("Microsoft.NETCore.App");
        assertThat(config.frameworkVersion()).isEqualTo("2.1.0");
    }

    @Test
    void testParse_selfContained() {
        RuntimeConfig config = parse("""
                {"runtimeOptions": {"tfm": "netcoreapp2.0", "includedFrameworks": []}}""");

        assertThat(config.frameworkDependent()).isFalse();
    }

    @Test
    void testParse_frameworkWithoutVersion() {
        ImagerException e = failure(ErrorKinds.INVALID_RUNTIMECONFIG,
                () -> parse("{\"runtimeOptions\": {\"framework\": {\"name\": \"Microsoft.NETCore.App\"}}}"));

        assertThat(e.getMessage()).contains(NAME).contains("version");
    }

    @Test
    void testParse_withoutRuntimeOptions() {
        ImagerException e = failure(ErrorKinds.INVALID_RUNTIMECONFIG, () -> parse("{\"framework\": {}}"));

        assertThat(e.getMessage()).contains(NAME).contains("runtimeOptions");
    }

    @Test
    void testParse_jsonArrayIsNotAConfig() {
        failure(ErrorKinds.INVALID_RUNTIMECONFIG, () -> parse("[1, 2]"));
    }

    @Test
    void testParse_notJson() {
        ImagerException e = failure(ErrorKinds.INVALID_RUNTIMECONFIG, () -> parse("runtimeOptions = 2.0"));

        assertThat(e.getMessage()).contains(NAME).contains("not valid JSON");
    }

    @Test
    void testWithInvariantGlobalization_keepsOtherPropertiesAndAddsFlag() throws IOException {
        RuntimeConfig config = parse("""
                {"runtimeOptions": {
                  "tfm": "netcoreapp2.0",
                  "framework": {"name": "Microsoft.NETCore.App", "version": "2.0.0"},
                  "configProperties": {"System.GC.Server": true, "System.GC.Concurrent": false}}}""");

        JsonNode patched = JSON.readTree(config.withInvariantGlobalization());

        JsonNode properties = patched.path("runtimeOptions").path("configProperties");
        assertThat(properties.path("System.Globalization.Invariant").isBoolean()).isTrue();
        assertThat(properties.path("System.Globalization.Invariant").booleanValue()).isTrue();
        assertThat(properties.path("System.GC.Server").booleanValue()).isTrue();
        assertThat(properties.path("System.GC.Concurrent").isBoolean()).isTrue();
        assertThat(properties.path("System.GC.Concurrent").booleanValue()).isFalse();
        assertThat(patched.path("runtimeOptions").path("tfm").asText()).isEqualTo("netcoreapp2.0");
        assertThat(patched.path("runtimeOptions").path("framework")).isEqualTo(config.json().path("runtimeOptions").path("framework"));
    }

    @Test
    void testWithInvariantGlobalization_addsConfigPropertiesWhenAbsent() throws IOException {
        RuntimeConfig config = parse("""
                {"runtimeOptions": {"framework": {"name": "Microsoft.NETCore.App", "version": "2.0.0"}}}""");

        JsonNode patched = JSON.readTree(config.withInvariantGlobalization());

        assertThat(patched.at("/runtimeOptions/configProperties/System.Globalization.Invariant").booleanValue()).isTrue();
    }

    @Test
    void testWithInvariantGlobalization_overridesFalse() throws IOException {
        RuntimeConfig config = parse("""
                {"runtimeOptions": {"framework": {"name": "Microsoft.NETCore.App", "version": "2.0.0"},
                  "configProperties": {"System.Globalization.Invariant": false}}}""");

        JsonNode patched = JSON.readTree(config.withInvariantGlobalization());

        assertThat(patched.at("/runtimeOptions/configProperties/System.Globalization.Invariant").booleanValue()).isTrue();
    }

    @Test
    void testWithInvariantGlobalization_leavesParsedConfigUnchanged() {
        RuntimeConfig config = parse("""
                {"runtimeOptions": {"framework": {"name": "Microsoft.NETCore.App", "version": "2.0.0"}}}""");
        JsonNode before = config.json().deepCopy();

        config.withInvariantGlobalization();

        assertThat(config.json()).isEqualTo(before);
    }

    private static RuntimeConfig parse(String json) {
        return RuntimeConfig.parse(NAME, json.getBytes(StandardCharsets.UTF_8));
    }
}
