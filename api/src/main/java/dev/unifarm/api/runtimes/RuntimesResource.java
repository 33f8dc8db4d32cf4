package dev.unifarm.api.runtimes;

import dev.unifarm.api.apps.Page;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** {@code /api/v1/runtimes}: register .NET runtimes side by side, list them. */
@Path("/api/v1/runtimes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runtimes")
@SecurityRequirement(name = "bearer")
public class RuntimesResource {

    private final RuntimeService runtimes;

    RuntimesResource(RuntimeService runtimes) {
        this.runtimes = runtimes;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Register a runtime: multipart archive = dotnet-runtime-<version>-linux-x64.tar.gz; 409 if that version exists")
    public Response register(@RestForm("archive") FileUpload archive) {
        RuntimeInfo runtime = runtimes.register(archive == null ? null : archive.uploadedFile());
        return Response.created(UriBuilder.fromResource(RuntimesResource.class).path(runtime.framework()).path(runtime.version())
                .build()).entity(runtime).build();
    }

    @GET
    @Operation(summary = "List installed runtimes, oldest version first")
    public Page<RuntimeInfo> list() {
        return new Page<>(runtimes.list(), null);
    }

    @GET
    @Path("{framework}/{version}")
    @Operation(summary = "Get one installed runtime")
    public RuntimeInfo get(@PathParam("framework") String framework, @PathParam("version") String version) {
        return runtimes.get(framework, version);
    }
}
