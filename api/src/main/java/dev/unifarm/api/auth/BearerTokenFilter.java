package dev.unifarm.api.auth;

import dev.unifarm.api.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses {@code /api/} calls without the farm's bearer token (401, problem+json). */
public class BearerTokenFilter {

    private static final String PREFIX = "Bearer ";

    private final ApiTokens tokens;

    BearerTokenFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.startsWith(PREFIX) && tokens.accepts(header.substring(PREFIX.length()).trim())) {
            return null;
        }
        return Response.fromResponse(Problem.of(401, "unauthorized", "Unauthorized",
                "send 'Authorization: Bearer <token>'; the farm's token is in <data-dir>/api-token unless unifarm.api.token is set")
                .toResponse()).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
