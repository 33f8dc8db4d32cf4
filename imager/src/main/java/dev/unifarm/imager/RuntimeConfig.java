package dev.unifarm.imager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * What a {@code X.runtimeconfig.json} says: the shared framework the app wants, or none for a
 * self-contained app. Keeps the parsed tree so the imager can patch it (invariant globalization).
 */
public record RuntimeConfig(String fileName, String frameworkName, String frameworkVersion, ObjectNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RuntimeConfig parse(String fileName, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ImagerException(BundleReader.INVALID_RUNTIMECONFIG,
                    fileName + " is not valid JSON (" + e.getOriginalMessage() + "): upload the file dotnet publish wrote");
        } catch (IOException e) {
            throw new ImagerException(BundleReader.INVALID_RUNTIMECONFIG, fileName + " cannot be read: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode object) || !root.path("runtimeOptions").isObject()) {
            throw new ImagerException(BundleReader.INVALID_RUNTIMECONFIG,
                    fileName + " has no \"runtimeOptions\" object: upload the file dotnet publish wrote");
        }
        JsonNode framework = root.path("runtimeOptions").path("framework");
        if (!framework.isObject() && root.path("runtimeOptions").path("frameworks").isArray()) {
            framework = root.path("runtimeOptions").path("frameworks").path(0);
        }
        if (!framework.isObject()) {
            return new RuntimeConfig(fileName, null, null, object);
        }
        String name = framework.path("name").asText("");
        String version = framework.path("version").asText("");
        if (name.isEmpty() || version.isEmpty()) {
            throw new ImagerException(BundleReader.INVALID_RUNTIMECONFIG,
                    fileName + ": runtimeOptions.framework needs both \"name\" and \"version\"");
        }
        return new RuntimeConfig(fileName, name, version, object);
    }

    /** True when the app names a shared framework; false for a self-contained app. */
    public boolean frameworkDependent() {
        return frameworkName != null;
    }

    /**
     * The same config with {@code System.Globalization.Invariant: true}: the image ships no ICU, and
     * CoreCLR aborts at start-up when it looks for ICU unless told not to.
     */
    public byte[] withInvariantGlobalization() {
        ObjectNode copy = json.deepCopy();
        ObjectNode options = (ObjectNode) copy.get("runtimeOptions");
        JsonNode properties = options.get("configProperties");
        ObjectNode configProperties = properties instanceof ObjectNode existing ? existing : options.putObject("configProperties");
        configProperties.put("System.Globalization.Invariant", true);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
    }
}
