package dev.unifarm.api.instances;

import dev.unifarm.api.apps.Page;
import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import dev.unifarm.api.problem.ProblemResponses.InstanceNotFound;
import dev.unifarm.api.problem.ProblemResponses.InvalidLimit;
import dev.unifarm.api.problem.ProblemResponses.ReadOnlyForbidden;
import dev.unifarm.api.sse.SseLineStream;
import dev.unifarm.api.sse.SseWriter;
import dev.unifarm.scheduler.ConsoleView;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/instances}: list, get, stop, read the console (starting one is under the app). */
@Path("/api/v1/instances")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "instances")
@BearerAuth
public class InstancesResource {

    /** A followed console is cut after this long; clients reconnect if they want more. */
    private static final Duration FOLLOW_LIMIT = Duration.ofHours(1);

    private final InstanceService instances;

    InstancesResource(InstanceService instances) {
        this.instances = instances;
    }

    @GET
    @Operation(summary = "List instances, oldest first, optionally of one app",
            description = "A page of at most limit instances; pass next (an instance id) as after for the next page.")
    @APIResponse(responseCode = "200", description = "A page of instances",
            content = @Content(schema = @Schema(implementation = InstancePage.class)))
    @InvalidLimit
    public Page<Instance> list(@QueryParam("app") String app, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        int size = Page.checkLimit(limit);
        return Page.of(instances.list(app, after, size + 1), size, Instance::id);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get an instance")
    @APIResponse(responseCode = "200", description = "The instance", content = @Content(schema = @Schema(implementation = Instance.class)))
    @InstanceNotFound
    public Instance get(@PathParam("id") String id) {
        return instances.get(id);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Stop an instance (ACPI powerdown, QMP quit, then kill); returns its final state")
    @APIResponse(responseCode = "200", description = "The stopped (or already ended) instance",
            content = @Content(schema = @Schema(implementation = Instance.class)))
    @InstanceNotFound
    @ReadOnlyForbidden
    public Instance stop(@PathParam("id") String id) {
        return instances.stop(id);
    }

    @GET
    @Path("{id}/console")
    @Produces({MediaType.TEXT_PLAIN, SseWriter.MEDIA_TYPE})
    @Operation(summary = "The instance's serial console: text, or with follow=true streamed (chunked) until it ends; "
            + "Accept: text/event-stream streams it as events",
            description = "text/plain (default): the console so far, or with follow=true the whole console streamed as chunked "
                    + "text until the instance ends. text/event-stream (Accept): one data event per console line, following "
                    + "until the instance ends, then an end event whose data is the final state. view=app|trace|kernel "
                    + "(text/plain; with follow=true only app: the app's lines as they come, then one line "
                    + "[unifarm] ended: <state>, exit code <n> (<reason>)) shows one part: on a Unikraft kernel profile the app's output, the "
                    + "syscall shim's trace lines, or the kernel's log, told apart by the trace parser; on linux the app's "
                    + "lines, nothing (no trace), or the kernel's and firmware's lines.")
    @APIResponse(responseCode = "200", description = "The console",
            content = {@Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "hello", value = "Hello from Unifarm!\nargs: []\n")),
                @Content(mediaType = SseWriter.MEDIA_TYPE, schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "hello", value = "data: Hello from Unifarm!\n\ndata: args: []\n\n"
                            + "event: end\ndata: Succeeded\n\n"))})
    @APIResponse(responseCode = "400", description = "An unknown view, trace or kernel with follow, or a view other than all with events (invalid-view)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @InstanceNotFound
    public Response console(@PathParam("id") String id, @QueryParam("follow") @DefaultValue("false") boolean follow,
            @Parameter(description = "all (default), app, trace or kernel", schema = @Schema(enumeration = {"all", "app", "trace", "kernel"}))
            @QueryParam("view") @DefaultValue("all") String view, @Context HttpHeaders headers) {
        instances.get(id);
        ConsoleView part = ConsoleView.parse(view).orElseThrow(() -> ProblemException.badRequest("invalid-view", "view=" + view
                + " is not a console view: use one of " + String.join(", ", ConsoleView.names())));
        boolean asEvents = wantsEvents(headers.getAcceptableMediaTypes());
        if (part != ConsoleView.ALL && (asEvents || follow && part != ConsoleView.APP)) {
            throw ProblemException.badRequest("invalid-view", "view=" + view + " is a snapshot of the console so far: "
                    + "follow=true streams the whole console (view=all) or the app's lines (view=app), text/event-stream "
                    + "the whole console; drop one or the other");
        }
        if (follow && part == ConsoleView.APP) {
            ConsoleFollower follower = follower(id);
            StreamingOutput appLines = out -> {
                AppConsoleStream lines = new AppConsoleStream(out, instances.consoleKind(id));
                follower.write(lines);
                lines.finish(endLine(id));
            };
            return Response.ok(appLines, MediaType.TEXT_PLAIN_TYPE).build();
        }
        if (part != ConsoleView.ALL) {
            return Response.ok(instances.console(id, part), MediaType.TEXT_PLAIN_TYPE).build();
        }
        if (asEvents) {
            ConsoleFollower follower = follower(id);
            StreamingOutput events = out -> {
                SseLineStream lines = new SseLineStream(out);
                follower.write(lines);
                lines.finish(finalState(id));
            };
            return Response.ok(events, SseWriter.MEDIA_TYPE).header("Cache-Control", "no-cache").build();
        }
        if (!follow) {
            return Response.ok(instances.console(id), MediaType.TEXT_PLAIN_TYPE).build();
        }
        return Response.ok(follower(id), MediaType.TEXT_PLAIN_TYPE).build();
    }

    private ConsoleFollower follower(String id) {
        return new ConsoleFollower(instances.consoleFile(id), () -> ended(id), FOLLOW_LIMIT);
    }

    /** An instance whose record is gone (its app was deleted) has ended too. */
    private boolean ended(String id) {
        try {
            return instances.get(id).state().isTerminal();
        } catch (ProblemException e) {
            return true;
        }
    }

    private String endLine(String id) {
        try {
            return ConsoleEndLine.of(instances.get(id));
        } catch (ProblemException e) {
            return ConsoleEndLine.deleted();
        }
    }

    private String finalState(String id) {
        try {
            return instances.get(id).state().name();
        } catch (ProblemException e) {
            return "Deleted";
        }
    }

    /** Events only when the client prefers them by name: a wildcard Accept (curl's, browsers') keeps text. */
    private static boolean wantsEvents(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if (type.isCompatible(MediaType.TEXT_PLAIN_TYPE) && !type.isWildcardType()) {
                return false;
            }
            if (!type.isWildcardType() && !type.isWildcardSubtype() && type.getType().equals("text")
                    && type.getSubtype().equals("event-stream")) {
                return true;
            }
        }
        return false;
    }

    /** Schema of a page of instances. */
    @Schema(name = "InstancePage")
    public record InstancePage(@Schema(description = "The instances of this page") List<Instance> items,
            @Schema(description = "Pass as after for the next page; null on the last page") String next) {
    }
}
