package dev.unifarm.api.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.unifarm.imager.model.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
 * @param coverage syscall coverage settings: the needs sweep's workload (docs/coverage.md, "What an app really needs")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "How an app runs; every field is optional, unset ones take the farm's defaults")
public record AppSpec(
        @Schema(description = "The main assembly, e.g. shop.dll; inferred when the bundle has exactly one *.runtimeconfig.json")
        String entrypoint,
        @Schema(description = "Command-line arguments passed to the app")
        List<String> args,
        @Schema(description = "Environment variables of the app, name to value")
        Map<String, String> env,
        @Schema(description = "Guest memory in MiB, 128 to 65536 (default unifarm.instances.default-memory-mib)")
        Integer memoryMiB,
        @Schema(description = "The TCP port the app listens on; the gateway forwards /{app}/… to it. Unset: not an HTTP app")
        Integer port,
        @Schema(description = "Kernel profile name, one of GET /api/v1/kernels (default: the farm's default profile)")
        String kernel,
        @Schema(description = "On-demand scaling through the gateway")
        Scaling scaling,
        @Schema(description = "What to do when an instance ends", enumeration = {"Never", "OnFailure", "Always"})
        String restartPolicy,
        @Schema(description = ".NET roll-forward policy for the shared framework (Disable, LatestPatch, Minor, LatestMinor, Major,"
                + " LatestMajor); wins over the bundle's runtimeconfig")
        String rollForward,
        @Schema(description = "false leaves the compatibility layer out of the app's Unikraft images; true or unset: every Unikraft"
                + " image has it. linux images never have it")
        Boolean compat,
        @Schema(description = "The path the readiness probe asks with GET on port (default /); ready once it answers 200 to 399")
        String readinessPath,
        @Schema(description = "Syscall coverage settings: what a needs sweep's trials must do to pass")
        Coverage coverage) {

    public static final AppSpec EMPTY = new AppSpec(null, null, null, null, null, null, null, null, null, null, null, null);

    /** Syscall coverage settings (docs/coverage.md, "What an app really needs"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "Syscall coverage settings")
    public record Coverage(
            @Schema(description = "What each needs-sweep trial must do to pass; unset: as the sweep's baseline trial did")
            WorkloadSpec workload) {
    }

    /**
     * A needs sweep's workload as the spec states it, checked and turned into the image's {@code Workload} by
     * {@link AppSpecParser}: {@code requests} for an app with a port, {@code exitCode} and {@code output} for one without.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "What a needs-sweep trial must do to pass; a field left out is as in the sweep's baseline trial")
    public record WorkloadSpec(
            @Schema(description = "For an app with a port: GET requests sent inside the guest to 127.0.0.1:port (default: one GET /)")
            List<RequestSpec> requests,
            @Schema(description = "For an app without a port: the exit code, 0 to 255 (default: the baseline's)")
            Integer exitCode,
            @Schema(description = "For an app without a port: lines it must print (default: exactly the baseline's output)")
            List<String> output,
            @Schema(description = "For an app without a port that never ends by itself (a worker): ISO-8601 duration each trial runs"
                    + " before the app gets SIGTERM, as from a stop, e.g. PT3S (at most PT1M); unset: the app ends by itself")
            String settle) {

        public WorkloadSpec(List<RequestSpec> requests, Integer exitCode, List<String> output) {
            this(requests, exitCode, output, null);
        }
    }

    /** One workload request: {@code GET path}, passing with {@code status} and a body containing {@code body}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "One workload request: GET path")
    public record RequestSpec(
            @Schema(description = "The path and query, e.g. /hello?x=1") String path,
            @Schema(description = "The status it must answer (default: the baseline's)") Integer status,
            @Schema(description = "Text its body must contain (default: the baseline's whole body)") String body) {
    }

    /** On-demand scaling; {@code idleTimeout} is an ISO-8601 duration such as {@code PT30S}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(description = "On-demand scaling through the gateway")
    public record Scaling(
            @Schema(description = "Instances kept running even without requests (default 0: scale to zero)")
            Integer minInstances,
            @Schema(description = "Most instances the gateway starts for the app")
            Integer maxInstances,
            @Schema(description = "ISO-8601 duration an instance may sit without requests before it is stopped, e.g. PT30S")
            String idleTimeout,
            @Schema(description = "Requests one instance serves at once before the gateway starts another")
            Integer maxConcurrency,
            @Schema(description = "false: cold starts always boot. true or unset: the farm snapshots a revision's memory once it has"
                    + " answered a request and restores that snapshot on later cold starts (unifarm.gateway.snapshots.enabled)")
            Boolean snapshot) {

        public Scaling(Integer minInstances, Integer maxInstances, String idleTimeout, Integer maxConcurrency) {
            this(minInstances, maxInstances, idleTimeout, maxConcurrency, null);
        }

        /** Whether the app's cold starts may restore a snapshot: unset means yes. */
        public static boolean snapshots(Scaling scaling) {
            return scaling == null || !Boolean.FALSE.equals(scaling.snapshot());
        }
    }

    /** This spec without its port: an image built from the spec still listens there, but a run started so is neither forwarded nor probed. */
    public AppSpec withoutPort() {
        return new AppSpec(entrypoint, args, env, memoryMiB, null, kernel, scaling, restartPolicy, rollForward, compat, readinessPath, coverage);
    }

    public List<String> argsOrEmpty() {
        return args == null ? List.of() : args;
    }

    /** For {@code ImageBuilder.compat}: false leaves the layer out, else the kernel profile decides. */
    public Boolean compatOverride() {
        return Boolean.FALSE.equals(compat) ? Boolean.FALSE : null;
    }

    /**
     * The needs sweep's workload: {@code coverage.workload} as the image's {@link Workload}, or everything as the baseline.
     * A workload {@link AppSpecParser} passed always maps; an unchecked one may throw its {@code ImagerException}.
     */
    public Workload needsWorkload() {
        WorkloadSpec workload = coverage == null ? null : coverage.workload();
        if (workload == null) {
            return Workload.asBaseline();
        }
        List<Workload.Request> requests = workload.requests() == null ? List.of()
                : workload.requests().stream().map(r -> new Workload.Request(r.path(), r.status(), r.body())).toList();
        return new Workload(requests, workload.exitCode(), workload.output(),
                workload.settle() == null ? null : Duration.parse(workload.settle()));
    }

    public Map<String, String> envOrEmpty() {
        return env == null ? Map.of() : env;
    }
}
