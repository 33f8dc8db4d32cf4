package dev.unifarm.api.problem;

import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem document. {@code type} is stable per error kind so clients can branch on it;
 * {@code detail} tells the user what to fix.
 */
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://unifarm.dev/problems/";

    public static Problem of(int status, String kind, String title, String detail) {
        return new Problem(TYPE_BASE + kind, title, status, detail);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
