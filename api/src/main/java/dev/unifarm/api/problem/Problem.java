package dev.unifarm.api.problem;

import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem document. {@code type} is stable per error kind so clients can branch on it;
 * {@code detail} tells the user what to fix.
 */
@Schema(description = "An RFC 9457 problem document (application/problem+json)")
public record Problem(
        @Schema(description = "A URI naming the kind of error, stable so clients can branch on it")
        String type,
        @Schema(description = "A short summary of the kind of error")
        String title,
        @Schema(description = "The HTTP status code")
        int status,
        @Schema(description = "What went wrong with this request and what to fix")
        String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://unifarm.dev/problems/";

    public static Problem of(int status, String kind, String title, String detail) {
        return new Problem(TYPE_BASE + kind, title, status, detail);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
