package dev.unifarm.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.unifarm.imager.model.ImagerException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error leaving a resource into {@code application/problem+json}. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** A body bound by the framework rather than read through {@link StrictJson}: no record to name its fields from. */
    private static final JsonBody BODY = JsonBody.request("the request body");

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problem.of(e.status(), e.type(), e.title(), e.getMessage()).toResponse();
    }

    /** Build-time checks that run synchronously on upload (bundle, spec) are the user's to fix. */
    @ServerExceptionMapper
    public Response imager(ImagerException e) {
        return Problem.of(400, e.type(), "Bad request", e.getMessage()).toResponse();
    }

    /**
     * A body bound by the framework. The API's own bodies are read through {@link StrictJson} instead:
     * Quarkus' mappers for Jackson's subtypes would win over this one, and their 400 has an empty body.
     */
    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return problem(JsonFaults.problem(e, null, BODY));
    }

    /** Framework errors (unknown path, wrong method or media type) keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String reason = known != null ? known.getReasonPhrase() : "Error";
        String kind = reason.toLowerCase().replace(' ', '-');
        String detail = e.getMessage() != null ? e.getMessage() : reason;
        if (status == 415) {
            detail = UnsupportedMediaType.detail(request.method().name(), request.path(), request.getHeader(HttpHeaders.CONTENT_TYPE));
        } else if ((status == 404 || status == 405) && detail.startsWith("HTTP ")) {
            // The framework's own text ("HTTP 404 Not Found") says nothing a client can act on.
            String call = request.method().name() + " " + request.path();
            detail = (status == 404 ? "there is no endpoint " + call : call + ": the method is not allowed there")
                    + "; the API's endpoints and their methods are listed at /q/openapi (Swagger UI: /q/swagger-ui)";
        }
        return Problem.of(status, kind, reason, detail).toResponse();
    }

    /** Anything else: 503 while the store is out of reach, else 500; never the exception's text (Failures). */
    @ServerExceptionMapper
    public Response unexpected(Exception e, HttpServerRequest request) {
        Problem problem = Failures.problem(e, request.method().name() + " " + request.path(), LOG);
        Response.ResponseBuilder response = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (problem.status() == 503) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Failures.RETRY_AFTER_SECONDS));
        }
        return response.build();
    }
}
