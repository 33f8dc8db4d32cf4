package dev.unifarm.api.apps;

import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.instances.InstancesResource;
import dev.unifarm.api.instances.StartRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** {@code /api/v1/apps}: upload apps, read them and their revisions, start instances. */
@Path("/api/v1/apps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "apps")
@SecurityRequirement(name = "bearer")
public class AppsResource {

    private final AppService apps;
    private final InstanceService instances;

    AppsResource(AppService apps, InstanceService instances) {
        this.apps = apps;
        this.instances = instances;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a dotnet publish output (.zip or .tar.gz) as a new app, or a new revision of an app")
    public Response upload(@RestForm("name") String name, @RestForm("bundle") FileUpload bundle,
            @RestForm("spec") String spec) {
        App app = apps.upload(name, bundle == null ? null : bundle.uploadedFile(), spec);
        return Response.created(UriBuilder.fromResource(AppsResource.class).path(app.name()).build()).entity(app).build();
    }

    @GET
    @Operation(summary = "List apps by name")
    public Page<App> list(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("100") int limit) {
        int size = Page.checkLimit(limit);
        return Page.of(apps.list(after, size + 1), size, App::name);
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Get an app")
    public App get(@PathParam("name") String name) {
        return apps.get(name);
    }

    @GET
    @Path("{name}/revisions")
    @Operation(summary = "List an app's revisions, oldest first")
    public Page<Revision> revisions(@PathParam("name") String name) {
        List<Revision> all = apps.revisions(name);
        return new Page<>(all, null);
    }

    @GET
    @Path("{name}/revisions/{number}")
    @Operation(summary = "Get one revision: build state, image digest, sizes, build log")
    public Revision revision(@PathParam("name") String name, @PathParam("number") int number) {
        return apps.revision(name, number);
    }

    @POST
    @Path("{name}/instances")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(summary = "Start an instance of the app's latest revision now; the body may override args and env")
    public Response start(@PathParam("name") String name, StartRequest overrides) {
        Instance instance = instances.start(name, overrides);
        return Response.created(UriBuilder.fromResource(InstancesResource.class).path(instance.id()).build())
                .entity(instance).build();
    }

}
