package dev.unifarm.api.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * How an app runs: the {@code spec} of an upload or of {@code PUT …/spec}. Every field is optional;
 * unset ones take the farm's defaults.
 *
 * @param entrypoint main assembly, inferred when the bundle has exactly one runtimeconfig
 * @param memoryMiB guest memory
 * @param port the TCP port an HTTP app listens on
 * @param kernel kernel profile name
 * @param restartPolicy {@code Never | OnFailure | Always}
 * @param rollForward .NET roll-forward policy for the shared framework ({@code Disable}, {@code LatestPatch},
 *     {@code Minor}, {@code LatestMinor}, {@code Major}, {@code LatestMajor}); wins over the runtimeconfig's
 * @param compat {@code false} leaves the compatibility layer out of the app's Unikraft images (the kernel's own
 *     answers reach CoreCLR, and nothing reports the exit); {@code true} or unset: every Unikraft image has it.
 *     {@code linux} images never have it
 * @param readinessPath the path the farm's readiness probe asks with {@code GET} on {@code port} (default {@code /});
 *     the instance is ready once it answers 200 to 399
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppSpec(String entrypoint, List<String> args, Map<String, String> env, Integer memoryMiB, Integer port,
        String kernel, Scaling scaling, String restartPolicy, String rollForward, Boolean compat, String readinessPath) {

    public static final AppSpec EMPTY = new AppSpec(null, null, null, null, null, null, null, null, null, null, null);

    /** On-demand scaling; {@code idleTimeout} is an ISO-8601 duration such as {@code PT30S}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scaling(Integer minInstances, Integer maxInstances, String idleTimeout, Integer maxConcurrency) {
    }

    public List<String> argsOrEmpty() {
        return args == null ? List.of() : args;
    }

    /** For {@code ImageBuilder.compat}: false leaves the layer out, else the kernel profile decides. */
    public Boolean compatOverride() {
        return Boolean.FALSE.equals(compat) ? Boolean.FALSE : null;
    }

    public Map<String, String> envOrEmpty() {
        return env == null ? Map.of() : env;
    }
}
