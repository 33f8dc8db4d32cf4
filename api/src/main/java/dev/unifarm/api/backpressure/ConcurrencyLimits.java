package dev.unifarm.api.backpressure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.problem.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Backpressure for the two expensive calls: uploads ({@code POST /api/v1/apps}: spooling, bundle
 * check, blob store) and instance starts ({@code POST /api/v1/apps/{name}/instances}: image check,
 * maybe a registry pull, QEMU). Each has a fixed number of permits, taken when the request's head
 * arrives (before its body is spooled) and given back when its response ends or its connection drops.
 * A request finding none left gets 429 problem+json with {@code Retry-After} at once: it never waits
 * in the farm, and nothing of it is recorded but {@code unifarm_rejections_total{limit="uploads"|"starts"}}
 * (both at 0 from start-up, so {@code rate()} sees the first).
 */
@ApplicationScoped
public class ConcurrencyLimits {

    public static final String TYPE = "too-many-requests";
    private static final Logger LOG = Logger.getLogger(ConcurrencyLimits.class);

    private final Semaphore uploads;
    private final Semaphore starts;
    private final int uploadLimit;
    private final int startLimit;
    private final long retryAfterSeconds;
    private final ObjectMapper json;
    private final Counter uploadRejections;
    private final Counter startRejections;

    ConcurrencyLimits(UnifarmConfig config, ObjectMapper json, MeterRegistry registry) {
        this.uploadLimit = positive("unifarm.limits.uploads", config.limits().uploads());
        this.startLimit = positive("unifarm.limits.starts", config.limits().starts());
        this.uploads = new Semaphore(uploadLimit);
        this.starts = new Semaphore(startLimit);
        // Retry-After takes whole seconds; round up so clients never come back early.
        this.retryAfterSeconds = Math.max(1, (config.limits().retryAfter().toMillis() + 999) / 1000);
        this.json = json;
        this.uploadRejections = rejections(registry, "uploads");
        this.startRejections = rejections(registry, "starts");
        LOG.infof("limits: %d uploads and %d instance starts in flight at once (unifarm.limits.*); beyond: 429, Retry-After %d s",
                uploadLimit, startLimit, retryAfterSeconds);
    }

    void install(@Observes Router router) {
        // Before UploadSizeLimit and long before the body is read: a refused upload is never spooled.
        int order = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2;
        router.post("/api/v1/apps").order(order)
                .handler(context -> gate(context, uploads, "uploads", uploadLimit, "unifarm.limits.uploads", uploadRejections));
        router.postWithRegex("/api/v1/apps/[^/]+/instances/?").order(order)
                .handler(context -> gate(context, starts, "instance starts", startLimit, "unifarm.limits.starts", startRejections));
    }

    private void gate(RoutingContext context, Semaphore permits, String what, int limit, String key, Counter rejected) {
        if (permits.tryAcquire()) {
            AtomicBoolean released = new AtomicBoolean();
            context.addEndHandler(ended -> {
                if (released.compareAndSet(false, true)) {
                    permits.release();
                }
            });
            context.next();
            return;
        }
        rejected.increment();
        Problem problem = Problem.of(429, TYPE, "Too many requests", "the farm is already handling " + limit + " " + what
                + " (" + key + "); nothing of this request was recorded: retry after " + retryAfterSeconds + " s");
        context.response()
                .setStatusCode(429)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .end(body(problem));
        discardBody(context.request());
    }

    /** The refused request's body is read and dropped, so the connection stays usable and the client sees the 429. */
    private static void discardBody(HttpServerRequest request) {
        if (request.isEnded()) {
            return;
        }
        request.handler(ignored -> { });
        request.exceptionHandler(ignored -> { });
        request.resume();
    }

    private String body(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem record always serializes", e);
        }
    }

    private static Counter rejections(MeterRegistry registry, String limit) {
        return Counter.builder("unifarm.rejections").description("requests refused with 429 by a concurrency limit")
                .tags("limit", limit).register(registry);
    }

    private static int positive(String key, int value) {
        if (value < 1) {
            throw new IllegalStateException(key + " is " + value + "; it must be at least 1");
        }
        return value;
    }
}
