package dev.unifarm.api.kernels;

import dev.unifarm.api.apps.Page;
import dev.unifarm.api.farm.KernelProfiles;
import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/kernels}: the kernel profiles this farm is configured with ({@code unifarm.kernels.<name>.*}). */
@Path("/api/v1/kernels")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "kernels")
@BearerAuth
public class KernelsResource {

    private final KernelProfiles profiles;

    KernelsResource(KernelProfiles profiles) {
        this.profiles = profiles;
    }

    @GET
    @Operation(summary = "List the configured kernel profiles by name (all of them: a farm has a handful)")
    @APIResponse(responseCode = "200", description = "Every profile; next is always null",
            content = @Content(schema = @Schema(implementation = KernelPage.class)))
    public Page<KernelInfo> list() {
        return new Page<>(profiles.names().stream().map(this::info).toList(), null);
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Get one kernel profile")
    @APIResponse(responseCode = "200", description = "The profile", content = @Content(schema = @Schema(implementation = KernelInfo.class)))
    @APIResponse(responseCode = "404", description = "No such profile (kernel-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public KernelInfo get(@PathParam("name") String name) {
        if (profiles.get(name).isEmpty()) {
            throw ProblemException.notFound("kernel", "there is no kernel profile \"" + name + "\"; configured: " + profiles.names());
        }
        return info(name);
    }

    private KernelInfo info(String name) {
        return KernelInfo.of(profiles.get(name).orElseThrow(), KernelProfiles.DEFAULT.equals(name), profiles.syscalls(name));
    }

    /** Schema of the list of profiles. */
    @Schema(name = "KernelPage")
    public record KernelPage(@Schema(description = "Every configured kernel profile") List<KernelInfo> items,
            @Schema(description = "Always null: the list is never paged") String next) {
    }
}
