package dev.unifarm.api.runtimes;

import dev.unifarm.api.apps.Page;
import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import dev.unifarm.api.problem.ProblemResponses.ReadOnlyForbidden;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** {@code /api/v1/runtimes}: register .NET runtimes side by side, list them. */
@Path("/api/v1/runtimes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtimes")
@BearerAuth
public class RuntimesResource {

    private final RuntimeService runtimes;

    RuntimesResource(RuntimeService runtimes) {
        this.runtimes = runtimes;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Register a runtime: multipart archive = dotnet-runtime-<version>-linux-x64.tar.gz; 409 if that version exists")
    @APIResponse(responseCode = "201", description = "The registered runtime",
            content = @Content(schema = @Schema(implementation = RuntimeInfo.class)))
    @APIResponse(responseCode = "400", description = "Not a dotnet-runtime linux-x64 archive (invalid-runtime)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "That version is registered already (runtime-exists)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ReadOnlyForbidden
    public Response register(@RestForm("archive") FileUpload archive) {
        RuntimeInfo runtime = runtimes.register(archive == null ? null : archive.uploadedFile());
        return Response.created(UriBuilder.fromResource(RuntimesResource.class).path(runtime.framework()).path(runtime.version())
                .build()).entity(runtime).build();
    }

    @GET
    @Operation(summary = "List installed runtimes, oldest version first")
    @APIResponse(responseCode = "200", description = "Every installed runtime; next is always null",
            content = @Content(schema = @Schema(implementation = RuntimePage.class)))
    public Page<RuntimeInfo> list() {
        return new Page<>(runtimes.list(), null);
    }

    @GET
    @Path("{framework}/{version}")
    @Operation(summary = "Get one installed runtime")
    @APIResponse(responseCode = "200", description = "The runtime", content = @Content(schema = @Schema(implementation = RuntimeInfo.class)))
    @APIResponse(responseCode = "404", description = "Not installed (runtime-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RuntimeInfo get(@PathParam("framework") String framework, @PathParam("version") String version) {
        return runtimes.get(framework, version);
    }

    /** Schema of the list of runtimes. */
    @Schema(name = "RuntimePage")
    public record RuntimePage(@Schema(description = "Every installed runtime") List<RuntimeInfo> items,
            @Schema(description = "Always null: the list is never paged") String next) {
    }
}
