package dev.unifarm.api.coverage;

import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemResponses.AppNotFound;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import dev.unifarm.api.problem.ProblemResponses.ReadOnlyForbidden;
import dev.unifarm.api.sse.SseWriter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/apps/{name}/coverage/needs}: needs sweeps, what an app really needs of each syscall it made
 * (docs/coverage.md, "What an app really needs").
 */
@Path("/api/v1/apps/{name}/coverage/needs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "coverage")
@BearerAuth
public class NeedsResource {

    private final NeedsSweeps sweeps;
    private final NeedsReports reports;

    NeedsResource(NeedsSweeps sweeps, NeedsReports reports) {
        this.sweeps = sweeps;
        this.reports = reports;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a needs sweep: each syscall of the latest revision's reference run stubbed (ENOSYS), then faked (0)",
            description = "Returns at once with the sweep Running. The revision's traced linux image boots once; its /init runs the app"
                    + " with nothing injected (the baseline), then once per syscall with strace failing it with ENOSYS and, if that"
                    + " trial fails, once with it returning 0, each judged by spec.coverage.workload (default: as the baseline)."
                    + " Follow it with GET …/needs/events; GET …/needs shows the classes once Done.")
    @APIResponse(responseCode = "202", description = "The sweep, Running", content = @Content(schema = @Schema(implementation = NeedsReport.class)))
    @AppNotFound
    @APIResponse(responseCode = "409", description = "The latest revision is not Ready (revision-not-ready), has no Done reference run"
            + " (reference-run-missing), a sweep of the app is running (needs-running), or this farm cannot trace (needs-unsupported:"
            + " kubernetes mode, or no linux kernel file)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ReadOnlyForbidden
    public Response start(@PathParam("name") String name) {
        return Response.accepted(NeedsReport.of(sweeps.start(name))).build();
    }

    @GET
    @Operation(summary = "Get an app's newest needs sweep: per syscall required, fakeable, stubbable or untried, with the deciding trials",
            description = "With kernel=<profile>: also what that kernel's syscall table lacks of each class (blockers: required ones,"
                    + " shim: fakeable ones, stub: stubbable ones).")
    @APIResponse(responseCode = "200", description = "The sweep", content = @Content(schema = @Schema(implementation = NeedsReport.class)))
    @APIResponse(responseCode = "400", description = "kernel is not a kernel profile of this farm (invalid-kernel)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such app (app-not-found), or no sweep of it (needs-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The kernel profile has no syscall table (syscall-table-missing)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public NeedsReport get(@PathParam("name") String name, @QueryParam("kernel") String kernel) {
        return reports.newest(name, kernel);
    }

    @GET
    @Path("events")
    @Produces(SseWriter.MEDIA_TYPE)
    @Operation(summary = "Follow the newest needs sweep as server-sent events: progress per trial, then its end",
            description = "Events: progress (JSON {runId, trialsDone, trialsPlanned, lastTrial: {seq, mode, syscall, verdict}}) first and"
                    + " whenever the guest reports a trial; end (JSON {state, message}) once the sweep is Done or Failed. A finished sweep"
                    + " gives its end at once.")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = SseWriter.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "sweep", value = "event: progress\ndata: {\"runId\":\"n-…\",\"trialsDone\":12,"
                            + "\"trialsPlanned\":93,\"lastTrial\":{\"seq\":11,\"mode\":\"stub\",\"syscall\":\"mknodat\",\"verdict\":\"fail\"}}"
                            + "\n\nevent: end\ndata: {\"state\":\"Done\",\"message\":\"47 syscalls: …\"}\n\n")))
    @APIResponse(responseCode = "404", description = "No such app (app-not-found), or no sweep of it (needs-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response events(@PathParam("name") String name) {
        return Response.ok(reports.events(name), SseWriter.MEDIA_TYPE).header("Cache-Control", "no-cache").build();
    }
}
