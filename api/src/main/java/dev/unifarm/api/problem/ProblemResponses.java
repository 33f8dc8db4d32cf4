package dev.unifarm.api.problem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * The problem responses several operations share, each one annotation for the OpenAPI document
 * (SmallRye OpenAPI reads the {@code @APIResponse} an annotation carries as if it stood on the operation).
 */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    /** On a resource class: every operation needs the bearer token and answers 401 without it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @SecurityRequirement(name = "bearer")
    @APIResponse(responseCode = "401", description = "No or a wrong bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface BearerAuth {
    }

    /** On an operation that changes something: a read-only token gets 403. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @APIResponse(responseCode = "403", description = "A read-only token (read-only-token): it may only GET",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface ReadOnlyForbidden {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @APIResponse(responseCode = "400", description = "limit out of range (invalid-limit)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface InvalidLimit {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @APIResponse(responseCode = "404", description = "No such app (app-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface AppNotFound {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @APIResponse(responseCode = "404", description = "No such app (app-not-found) or revision (revision-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface RevisionNotFound {
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @APIResponse(responseCode = "404", description = "No such instance (instance-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public @interface InstanceNotFound {
    }
}
