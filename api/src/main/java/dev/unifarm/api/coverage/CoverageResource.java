package dev.unifarm.api.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.problem.JsonBody;
import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemResponses.AppNotFound;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import dev.unifarm.api.problem.ProblemResponses.ReadOnlyForbidden;
import dev.unifarm.api.problem.StrictJson;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/apps/{name}/coverage}: syscall coverage per revision and kernel, and reference runs
 * (docs/coverage.md, "Syscall coverage").
 */
@Path("/api/v1/apps/{name}/coverage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "coverage")
@BearerAuth
public class CoverageResource {

    private static final JsonBody OPTIONS = JsonBody.request("the reference run options");

    private final CoverageService coverage;
    private final ReferenceRuns references;
    private final StrictJson json;

    CoverageResource(CoverageService coverage, ReferenceRuns references, ObjectMapper json) {
        this.coverage = coverage;
        this.references = references;
        this.json = new StrictJson(json);
    }

    @GET
    @Operation(summary = "Get an app's syscall coverage: its traced runs, predicted and observed coverage per kernel, optionally a diff",
            description = "kernels is shown for revision (default: the newest revision with a finished run). against=<kernel profile>"
                    + " compares kernel (default linux) with that kernel (each observed where a run exists, else predicted);"
                    + " against=<runId> compares run (default the newest finished run) with that run.")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(schema = @Schema(implementation = CoverageReport.class)))
    @APIResponse(responseCode = "400", description = "against, kernel or run names nothing known (invalid-against, invalid-kernel, invalid-run)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such app (app-not-found), or no run of that revision (coverage-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A kernel in the diff has neither a run nor a prediction (coverage-unknown)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CoverageReport get(@PathParam("name") String name, @QueryParam("revision") Integer revision, @QueryParam("kernel") String kernel,
            @QueryParam("run") String run, @QueryParam("against") String against) {
        return coverage.report(name, revision, kernel, run, against);
    }

    @POST
    @Path("reference")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a reference run: the latest revision's traced variant under strace on the linux profile",
            description = "Returns at once with the run Running; it builds the traced image, boots it, and once the app ends its"
                    + " syscalls are the revision's reference profile (GET the coverage until the run is Done or Failed; Waiting while it is queued for capacity)."
                    + " Only apps that end by themselves give a trace. With failSyscalls, strace fails those syscalls with"
                    + " ENOSYS: the run (source injected) shows how the app fares on a kernel without them, and its message the"
                    + " diagnosis; it is neither the reference profile nor the linux kernel's observed coverage.")
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = ReferenceOptions.class),
            examples = @ExampleObject(name = "fail mknodat", value = "{\"failSyscalls\": [\"mknodat\"]}")))
    @APIResponse(responseCode = "202", description = "The run, Running", content = @Content(schema = @Schema(implementation = CoverageReport.Run.class)))
    @APIResponse(responseCode = "400", description = "A failSyscalls entry that is not a Linux x86_64 syscall name (unknown-syscall),"
            + " an unknown field or a field of the wrong type (invalid-request), or not JSON (invalid-json)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @AppNotFound
    @APIResponse(responseCode = "409", description = "The latest revision is not Ready (revision-not-ready), or this farm cannot trace"
            + " (reference-run-unsupported: kubernetes mode, or no linux kernel file)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ReadOnlyForbidden
    public Response reference(@PathParam("name") String name, String body) {
        // Read as text: a POST without a body (curl -X POST, or clients sending a form content type) stays a plain run.
        List<String> failSyscalls = body == null || body.isBlank() ? List.of() : options(body).failSyscallsOrEmpty();
        return Response.accepted(references.start(name, failSyscalls)).build();
    }

    /** The body's options; a misspelt option is an error, not a plain run. */
    private ReferenceOptions options(String body) {
        ReferenceOptions options = json.read(body, ReferenceOptions.class, OPTIONS);
        return options != null ? options : new ReferenceOptions(null); // the body "null"
    }
}
