package dev.unifarm.imager.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unifarm.imager.model.ErrorKinds;
import dev.unifarm.imager.model.ImagerException;
import dev.unifarm.imager.model.RollForward;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What a {@code X.runtimeconfig.json} says: the shared framework the app wants, or none for a
 * self-contained app, and how it may roll forward. Keeps the parsed tree so the imager can patch it
 * (invariant globalization, the resolved framework version).
 */
public record RuntimeConfig(String fileName, String frameworkName, String frameworkVersion, ObjectNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RuntimeConfig parse(String fileName, byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ImagerException(ErrorKinds.INVALID_RUNTIMECONFIG,
                    fileName + " is not valid JSON (" + e.getOriginalMessage() + "): upload the file dotnet publish wrote");
        } catch (IOException e) {
            throw new ImagerException(ErrorKinds.INVALID_RUNTIMECONFIG, fileName + " cannot be read: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode object) || !root.path("runtimeOptions").isObject()) {
            throw new ImagerException(ErrorKinds.INVALID_RUNTIMECONFIG,
                    fileName + " has no \"runtimeOptions\" object: upload the file dotnet publish wrote");
        }
        JsonNode framework = frameworkNode(root.path("runtimeOptions"));
        if (!framework.isObject()) {
            return new RuntimeConfig(fileName, null, null, object);
        }
        String name = framework.path("name").asText("");
        String version = framework.path("version").asText("");
        if (name.isEmpty() || version.isEmpty()) {
            throw new ImagerException(ErrorKinds.INVALID_RUNTIMECONFIG,
                    fileName + ": runtimeOptions.framework needs both \"name\" and \"version\"");
        }
        RuntimeConfig config = new RuntimeConfig(fileName, name, version, object);
        config.rollForwardSettings(); // refuses bad values at upload, not at build
        return config;
    }

    /**
     * The roll-forward settings of the framework reference, as the host reads them: {@code rollForward}
     * (case-insensitive) or the legacy {@code rollForwardOnNoCandidateFx} (0, 1, 2) and
     * {@code applyPatches}, on {@code runtimeOptions} or — winning over it — on the framework object.
     * Like the host, refuses {@code rollForward} mixed with a legacy setting.
     *
     * @param policy empty when the file names none (the default, {@code Minor}, applies)
     * @param applyPatches false only when the file says {@code "applyPatches": false}
     */
    public record RollForwardSettings(Optional<RollForward> policy, boolean applyPatches) {
    }

    /** See {@link RollForwardSettings}; a self-contained app has no framework to roll. */
    public RollForwardSettings rollForwardSettings() {
        JsonNode options = json.path("runtimeOptions");
        JsonNode framework = frameworkNode(options);
        Optional<RollForward> policy = Optional.empty();
        boolean applyPatches = true;
        boolean modern = false;
        boolean legacy = false;
        for (JsonNode level : List.of(options, framework)) {
            String where = level == options ? "runtimeOptions" : "the framework reference";
            JsonNode rollForward = level.path("rollForward");
            if (!rollForward.isMissingNode()) {
                modern = true;
                policy = Optional.of(RollForward.fromName(rollForward.isTextual() ? rollForward.asText() : null)
                        .orElseThrow(() -> invalid(where + ".rollForward is " + rollForward + "; use one of "
                                + RollForward.names())));
            }
            JsonNode patches = level.path("applyPatches");
            if (!patches.isMissingNode()) {
                legacy = true;
                if (!patches.isBoolean()) {
                    throw invalid(where + ".applyPatches is " + patches + "; use true or false");
                }
                applyPatches = patches.asBoolean();
            }
            JsonNode noCandidate = level.path("rollForwardOnNoCandidateFx");
            if (!noCandidate.isMissingNode()) {
                legacy = true;
                Optional<RollForward> mapped = noCandidate.isInt()
                        ? RollForward.fromRollForwardOnNoCandidateFx(noCandidate.asInt()) : Optional.empty();
                policy = Optional.of(mapped.orElseThrow(() -> invalid(where + ".rollForwardOnNoCandidateFx is "
                        + noCandidate + "; use 0, 1 or 2 (or the newer \"rollForward\")")));
            }
        }
        if (modern && legacy) {
            throw invalid("it sets both \"rollForward\" and the legacy \"rollForwardOnNoCandidateFx\"/\"applyPatches\","
                    + " which the .NET host refuses; keep only \"rollForward\"");
        }
        return new RollForwardSettings(policy, applyPatches);
    }

    /**
     * The same config asking for exactly {@code version} of its framework: the image holds only the
     * version the farm resolved, so the host inside it (which may predate {@code rollForward}) must
     * find that one without rolling anywhere.
     */
    public RuntimeConfig withFrameworkVersion(String version) {
        ObjectNode copy = json.deepCopy();
        JsonNode framework = frameworkNode(copy.path("runtimeOptions"));
        if (!(framework instanceof ObjectNode object)) {
            throw new IllegalStateException(fileName + " names no framework");
        }
        object.put("version", version);
        return new RuntimeConfig(fileName, frameworkName, version, copy);
    }

    private static JsonNode frameworkNode(JsonNode options) {
        JsonNode framework = options.path("framework");
        if (!framework.isObject() && options.path("frameworks").isArray()) {
            framework = options.path("frameworks").path(0);
        }
        return framework;
    }

    private ImagerException invalid(String problem) {
        return new ImagerException("invalid-bundle", fileName + ": " + problem);
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
