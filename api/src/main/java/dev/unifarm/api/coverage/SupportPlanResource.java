package dev.unifarm.api.coverage;

import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/kernels/{name}/plan}: what a kernel must implement for the farm's apps (docs/coverage.md, "What an app really needs"). */
@Path("/api/v1/kernels/{name}/plan")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "kernels")
@BearerAuth
public class SupportPlanResource {

    private final SupportPlans plans;

    SupportPlanResource(SupportPlans plans) {
        this.plans = plans;
    }

    @GET
    @Operation(summary = "Get a kernel's support plan: per app its blockers, and the missing syscalls to implement first",
            description = "From each app's newest finished needs sweep (POST /api/v1/apps/{name}/coverage/needs) and the profile's"
                    + " syscall table. ranking: the missing syscalls some app requires, greedy — each the one that brings the most"
                    + " apps to zero blockers (ties: required by more apps, then name) — with the apps runnable once it and all"
                    + " before it are implemented; shim and stub: missing fakeable and stubbable syscalls. Untried syscalls block nothing.")
    @APIResponse(responseCode = "200", description = "The plan", content = @Content(schema = @Schema(implementation = SupportPlan.class)))
    @APIResponse(responseCode = "404", description = "No such profile (kernel-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The profile has no syscall table (syscall-table-missing)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public SupportPlan get(@PathParam("name") String name) {
        return plans.plan(name);
    }
}
