package dev.unifarm.api.auth;

import dev.unifarm.api.problem.Problem;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses {@code /api/} calls without one of the farm's bearer tokens (401), and calls that change
 * something made with a read-only token (403); both problem+json.
 */
public class BearerTokenFilter {

    private static final String PREFIX = "Bearer ";
    /** What a read-only token may do: read. */
    private static final Set<String> READ_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD);

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
        Optional<ApiTokens.Holder> holder = header != null && header.startsWith(PREFIX)
                ? tokens.holder(header.substring(PREFIX.length()).trim())
                : Optional.empty();
        if (holder.isEmpty()) {
            return Response.fromResponse(Problem.of(401, "unauthorized", "Unauthorized",
                    "send 'Authorization: Bearer <token>'; the farm's token is in <data-dir>/api-token unless unifarm.api.token is set")
                    .toResponse()).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        if (holder.get().readOnly() && !READ_METHODS.contains(request.getMethod())) {
            return Problem.of(403, "read-only-token", "Forbidden", "the token \"" + holder.get().name()
                    + "\" is read-only: it may GET but not " + request.getMethod()
                    + " " + request.getUriInfo().getPath() + "; use a read-write token (unifarm.api.token or the api-token file)")
                    .toResponse();
        }
        return null;
    }
}
