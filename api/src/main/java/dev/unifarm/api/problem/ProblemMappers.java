package dev.unifarm.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.unifarm.imager.ImagerException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error leaving a resource into {@code application/problem+json}. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problem.of(e.status(), e.type(), e.title(), e.getMessage()).toResponse();
    }

    /** Build-time checks that run synchronously on upload (bundle, spec) are the user's to fix. */
    @ServerExceptionMapper
    public Response imager(ImagerException e) {
        return Problem.of(400, e.type(), "Bad request", e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return Problem.of(400, "invalid-json", "Bad request", "the request body is not valid JSON: " + e.getOriginalMessage())
                .toResponse();
    }

    /** Framework errors (unknown path, wrong method or media type) keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String reason = Response.Status.fromStatusCode(status) != null ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        String kind = reason.toLowerCase().replace(' ', '-');
        return Problem.of(status, kind, reason, e.getMessage() != null ? e.getMessage() : reason).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return Problem.of(500, "internal-error", "Internal error", "the farm failed unexpectedly: " + e.getMessage()
                + " (see the farm's log)").toResponse();
    }
}
