package dev.unifarm.api.front;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.App;
import dev.unifarm.api.apps.AppDeleted;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpec;
import dev.unifarm.api.apps.Page;
import dev.unifarm.api.apps.Revision;
import dev.unifarm.api.builds.BuildEvents;
import dev.unifarm.api.builds.BuildProgress;
import dev.unifarm.api.instances.Instance;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.api.instances.InstancesResource;
import dev.unifarm.api.instances.StartRequest;
import dev.unifarm.api.problem.JsonBody;
import dev.unifarm.api.problem.Problem;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.api.problem.ProblemResponses.AppNotFound;
import dev.unifarm.api.problem.ProblemResponses.BearerAuth;
import dev.unifarm.api.problem.ProblemResponses.InvalidLimit;
import dev.unifarm.api.problem.ProblemResponses.ReadOnlyForbidden;
import dev.unifarm.api.problem.ProblemResponses.RevisionNotFound;
import dev.unifarm.api.problem.StrictJson;
import dev.unifarm.api.snapshots.SnapshotStore;
import dev.unifarm.api.sse.SseWriter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** {@code /api/v1/apps}: upload apps, read, re-spec and delete them, their revisions, start instances. */
@Path("/api/v1/apps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "apps")
@BearerAuth
public class AppsResource {

    /** A build event stream is cut after this long; builds take minutes at most. */
    private static final Duration EVENTS_LIMIT = Duration.ofMinutes(30);
    private static final String SPEC_EXAMPLE = "{\"memoryMiB\": 256, \"port\": 8080, \"env\": {\"PORT\": \"8080\"}, "
            + "\"restartPolicy\": \"OnFailure\"}";
    private static final JsonBody START_BODY = JsonBody.request("the start request");

    private final AppService apps;
    private final AppDeletion deletion;
    private final InstanceService instances;
    private final BuildProgress progress;
    private final ObjectMapper json;
    private final StrictJson strict;
    private final SnapshotStore snapshots;

    AppsResource(AppService apps, AppDeletion deletion, InstanceService instances, BuildProgress progress, ObjectMapper json,
            SnapshotStore snapshots) {
        this.snapshots = snapshots;
        this.apps = apps;
        this.deletion = deletion;
        this.instances = instances;
        this.progress = progress;
        this.json = json;
        this.strict = new StrictJson(json);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a dotnet publish output (.zip or .tar.gz) as a new app, or a new revision of an app",
            description = "Multipart fields: name (DNS-1123 label), bundle (the archive), spec (optional app spec JSON; "
                    + "without it a new revision keeps the app's spec). The build runs in the background: follow it with "
                    + "GET …/revisions/{number}/events.")
    @APIResponse(responseCode = "201", description = "The app, its latestRevision being the revision now building",
            content = @Content(schema = @Schema(implementation = App.class)))
    @APIResponse(responseCode = "400", description = "Bad name, spec or bundle (type says which: invalid-name, invalid-spec, "
            + "invalid-bundle, bundle-*, not-dotnet, entrypoint-*, wrong-architecture …)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "invalid-name", value = "{\"type\": \"https://unifarm.dev/problems/invalid-name\", "
                            + "\"title\": \"Bad request\", \"status\": 400, \"detail\": \"app name \\\"Shop\\\" is not a DNS-1123 label: "
                            + "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit\"}")))
    @APIResponse(responseCode = "413", description = "The upload is over unifarm.builds.max-upload-bytes",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ReadOnlyForbidden
    @APIResponse(responseCode = "429", description = "Too many uploads in flight (too-many-requests; unifarm.limits.uploads): retry after Retry-After seconds",
            headers = @Header(name = "Retry-After", description = "Seconds to wait", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response upload(@RestForm("name") String name, @RestForm("bundle") FileUpload bundle,
            @RestForm("spec") String spec) {
        App app = apps.upload(name, bundle == null ? null : bundle.uploadedFile(), spec);
        return Response.created(UriBuilder.fromResource(AppsResource.class).path(app.name()).build()).entity(app).build();
    }

    @GET
    @Operation(summary = "List apps by name", description = "A page of at most limit apps; pass next as after for the next page.")
    @APIResponse(responseCode = "200", description = "A page of apps",
            content = @Content(schema = @Schema(implementation = AppPage.class)))
    @InvalidLimit
    public Page<App> list(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("100") int limit) {
        int size = Page.checkLimit(limit);
        return Page.of(apps.list(after, size + 1), size, App::name);
    }

    @GET
    @Path("{name}")
    @Operation(summary = "Get an app")
    @APIResponse(responseCode = "200", description = "The app", content = @Content(schema = @Schema(implementation = App.class)))
    @AppNotFound
    public App get(@PathParam("name") String name) {
        return apps.get(name);
    }

    @PUT
    @Path("{name}/spec")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an app's spec; a changed spec builds a new revision from the latest bundle",
            description = "Validated like the upload's spec part. The same spec again changes nothing (latestRevision stays).")
    @RequestBody(content = @Content(schema = @Schema(implementation = AppSpec.class),
            examples = @ExampleObject(name = "http-app", value = SPEC_EXAMPLE)))
    @APIResponse(responseCode = "200", description = "The app; latestRevision is the new revision when the spec changed",
            content = @Content(schema = @Schema(implementation = App.class)))
    @APIResponse(responseCode = "400", description = "Invalid spec (invalid-spec), or an entrypoint the bundle lacks (entrypoint-missing)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "invalid-spec", value = "{\"type\": \"https://unifarm.dev/problems/invalid-spec\", "
                            + "\"title\": \"Bad request\", \"status\": 400, \"detail\": \"spec.memoryMiB must be an integer from 128 to 65536\"}")))
    @AppNotFound
    @APIResponse(responseCode = "409", description = "The latest bundle is no longer in the store (bundle-missing)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ReadOnlyForbidden
    public App putSpec(@PathParam("name") String name, String spec) {
        return apps.updateSpec(name, spec).app();
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete an app: stop its instances, remove it, its revisions, instance records and the images no other app uses")
    @APIResponse(responseCode = "200", description = "Deleted; the instances that were live and have been stopped",
            content = @Content(schema = @Schema(implementation = AppDeleted.class)))
    @AppNotFound
    @ReadOnlyForbidden
    public AppDeleted delete(@PathParam("name") String name) {
        return new AppDeleted(name, deletion.delete(name));
    }

    @DELETE
    @Path("{name}/revisions/{number}/snapshot")
    @Operation(summary = "Throw away the revision's memory snapshot", description = "The next cold request through the gateway "
            + "boots, and once that instance has answered the farm takes a new snapshot (unless snapshots are off for the app).")
    @APIResponse(responseCode = "204", description = "Deleted")
    @RevisionNotFound
    @ReadOnlyForbidden
    public void deleteSnapshot(@PathParam("name") String name, @PathParam("number") int number) {
        apps.revision(name, number); // 404 for an unknown app or revision
        if (snapshots.dropRevision(name, number) == 0) {
            throw ProblemException.notFound("snapshot", "revision " + number + " of " + name + " has no snapshot");
        }
    }

    @GET
    @Path("{name}/revisions")
    @Operation(summary = "List an app's revisions, oldest first", description = "A page of at most limit revisions; "
            + "pass next (a revision number) as after for the next page.")
    @APIResponse(responseCode = "200", description = "A page of revisions, each with its build log",
            content = @Content(schema = @Schema(implementation = RevisionPage.class)))
    @APIResponse(responseCode = "400", description = "limit out of range (invalid-limit) or after not a number (invalid-cursor)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @AppNotFound
    public Page<Revision> revisions(@PathParam("name") String name, @QueryParam("after") String after,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        int size = Page.checkLimit(limit);
        return Page.of(apps.revisions(name, revisionCursor(after), size + 1).stream().map(this::withSnapshot).toList(), size,
                revision -> Integer.toString(revision.number()));
    }

    @GET
    @Path("{name}/revisions/{number}")
    @Operation(summary = "Get one revision: build state, image digest, sizes, build log (buildLog), memory snapshot (snapshot)")
    @APIResponse(responseCode = "200", description = "The revision", content = @Content(schema = @Schema(implementation = Revision.class)))
    @RevisionNotFound
    public Revision revision(@PathParam("name") String name, @PathParam("number") int number) {
        return withSnapshot(apps.revision(name, number));
    }

    private Revision withSnapshot(Revision revision) {
        return revision.withSnapshot(snapshots.shown(revision.app(), revision.number()).orElse(null));
    }

    @GET
    @Path("{name}/revisions/{number}/events")
    @Produces(SseWriter.MEDIA_TYPE)
    @Operation(summary = "Follow a build as server-sent events: state changes and build log lines until Ready or Failed",
            description = "Events: state (JSON {state, message, imageDigest}) first and on every change; log (one build log line); "
                    + "the last event is the final state. A finished build replays its log and ends at once.")
    @APIResponse(responseCode = "200", description = "The event stream",
            content = @Content(mediaType = SseWriter.MEDIA_TYPE, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING),
                    examples = @ExampleObject(name = "build", value = "event: state\ndata: {\"state\":\"Building\",\"message\":null,"
                            + "\"imageDigest\":null}\n\nevent: log\ndata: kernel profile: linux\n\nevent: state\ndata: {\"state\":\"Ready\","
                            + "\"message\":null,\"imageDigest\":\"sha256:…\"}\n\n")))
    @RevisionNotFound
    public Response events(@PathParam("name") String name, @PathParam("number") int number) {
        apps.revision(name, number);
        return Response.ok(new BuildEvents(apps, progress, json, name, number, EVENTS_LIMIT), SseWriter.MEDIA_TYPE)
                .header("Cache-Control", "no-cache").build();
    }

    @POST
    @Path("{name}/instances")
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Operation(summary = "Start an instance of the app's latest revision now; the body may override args and env")
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = StartRequest.class),
            examples = @ExampleObject(name = "overrides", value = "{\"args\": [\"one\"], \"env\": {\"GREETING\": \"hi\"}}")))
    @APIResponse(responseCode = "201", description = "The instance, Booting (or Pending while capacity is short)",
            content = @Content(schema = @Schema(implementation = Instance.class)))
    @APIResponse(responseCode = "400", description = "Overrides the image's kernel cannot carry (invalid-spec), an unknown field or a"
            + " field of the wrong type (invalid-request), or not JSON (invalid-json)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @AppNotFound
    @APIResponse(responseCode = "409", description = "The latest revision is not Ready (revision-not-ready), failed (revision-failed), "
            + "or its image is gone (image-missing)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ReadOnlyForbidden
    @APIResponse(responseCode = "429", description = "Too many starts in flight (too-many-requests; unifarm.limits.starts): retry after Retry-After seconds",
            headers = @Header(name = "Retry-After", description = "Seconds to wait", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response start(@PathParam("name") String name, String body) {
        // Read as text and strictly: Jackson's lenient binding answered a wrong type with an empty 400 and
        // took unknown fields and numbers for strings; no body (or a form content type, curl -d) has no overrides.
        StartRequest overrides = strict.read(body, StartRequest.class, START_BODY);
        Instance instance = instances.start(name, overrides);
        return Response.created(UriBuilder.fromResource(InstancesResource.class).path(instance.id()).build())
                .entity(instance).build();
    }

    private static int revisionCursor(String after) {
        if (after == null || after.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(after);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid-cursor", "after must be a revision number, as the previous page's next gave it");
        }
    }

    /** Schema of a page of apps (the OpenAPI document cannot name a generic record's instance). */
    @Schema(name = "AppPage")
    public record AppPage(@Schema(description = "The apps of this page") java.util.List<App> items,
            @Schema(description = "Pass as after for the next page; null on the last page") String next) {
    }

    /** Schema of a page of revisions. */
    @Schema(name = "RevisionPage")
    public record RevisionPage(@Schema(description = "The revisions of this page") java.util.List<Revision> items,
            @Schema(description = "Pass as after for the next page; null on the last page") String next) {
    }
}
