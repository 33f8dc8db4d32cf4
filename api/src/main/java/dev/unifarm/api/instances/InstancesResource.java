package dev.unifarm.api.instances;

import dev.unifarm.api.apps.Page;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/instances}: list, get, stop, read the console (starting one is under the app). */
@Path("/api/v1/instances")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "instances")
@SecurityRequirement(name = "bearer")
public class InstancesResource {

    /** A followed console is cut after this long; clients reconnect if they want more. */
    private static final Duration FOLLOW_LIMIT = Duration.ofHours(1);

    private final InstanceService instances;

    InstancesResource(InstanceService instances) {
        this.instances = instances;
    }

    @GET
    @Operation(summary = "List instances, oldest first, optionally of one app")
    public Page<Instance> list(@QueryParam("app") String app, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        int size = Page.checkLimit(limit);
        return Page.of(instances.list(app, after, size + 1), size, Instance::id);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get an instance")
    public Instance get(@PathParam("id") String id) {
        return instances.get(id);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Stop an instance (QMP quit, then kill); returns its final state")
    public Instance stop(@PathParam("id") String id) {
        return instances.stop(id);
    }

    @GET
    @Path("{id}/console")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The instance's serial console; follow=true keeps streaming until it ends")
    public Response console(@PathParam("id") String id, @QueryParam("follow") @DefaultValue("false") boolean follow) {
        if (!follow) {
            return Response.ok(instances.console(id), MediaType.TEXT_PLAIN_TYPE).build();
        }
        instances.get(id);
        ConsoleFollower follower = new ConsoleFollower(instances.consoleFile(id),
                () -> instances.get(id).state().isTerminal(), FOLLOW_LIMIT);
        return Response.ok(follower, MediaType.TEXT_PLAIN_TYPE).build();
    }
}
