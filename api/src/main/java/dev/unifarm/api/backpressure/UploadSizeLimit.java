package dev.unifarm.api.backpressure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.problem.Problem;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a request whose declared {@code Content-Length} is over {@code unifarm.builds.max-upload-bytes}
 * with 413 {@code application/problem+json}, before any of its body is read or spooled. It runs just
 * before Quarkus' own {@code quarkus.http.limits.max-body-size} check, whose 413 has no body. A body
 * without a length (chunked) is spooled and then checked by {@code AppService}.
 */
@ApplicationScoped
public class UploadSizeLimit {

    public static final String TYPE = "upload-too-large";

    private final long maxBytes;
    private final ObjectMapper json;

    UploadSizeLimit(UnifarmConfig config, ObjectMapper json) {
        this.maxBytes = config.builds().maxUploadBytes();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    /** The 413 detail, for an upload whose {@code what} (the request, the bundle) is {@code size} bytes. */
    public static String detail(String what, long size, long maxBytes) {
        return what + " is " + size + " bytes; the farm accepts uploads of at most " + maxBytes
                + " bytes (unifarm.builds.max-upload-bytes): upload only the dotnet publish output, zipped";
    }

    private void check(RoutingContext context) {
        long length = declaredLength(context);
        if (length <= maxBytes) {
            context.next();
            return;
        }
        Problem problem = Problem.of(413, TYPE, "Content too large",
                detail("the request (Content-Length)", length, maxBytes));
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
        // Like Quarkus' own limit: answer, then close rather than read the rest of the body. Through
        // the context's end handlers, not response().endHandler: that single slot is where the
        // context runs them all (ConcurrencyLimits gives its permit back there).
        context.addEndHandler(ended -> context.request().connection().close());
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }

    private static long declaredLength(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec refuses malformed lengths itself
        }
    }
}
