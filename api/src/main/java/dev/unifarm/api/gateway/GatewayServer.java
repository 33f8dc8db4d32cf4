package dev.unifarm.api.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.config.GatewayConfig;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.problem.Failures;
import dev.unifarm.api.problem.Problem;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The gateway's HTTP server on {@code unifarm.gateway.host:port}, on the Quarkus-managed Vert.x:
 * each request is routed to its app ({@link Route}), held (paused) until the {@link Activator} leases
 * a ready instance, then proxied to that instance's forwarded port by {@code vertx-http-proxy} with
 * the app prefix stripped. What cannot be proxied is answered with problem+json.
 */
@ApplicationScoped
public class GatewayServer {

    private static final Logger LOG = Logger.getLogger(GatewayServer.class);

    private final Vertx vertx;
    private final Activator activator;
    private final GatewayConfig config;
    private final ObjectMapper json;
    private HttpServer server;
    private HttpClient client;

    GatewayServer(Vertx vertx, Activator activator, UnifarmConfig config, ObjectMapper json) {
        this.vertx = vertx;
        this.activator = activator;
        this.config = config.gateway();
        this.json = json;
    }

    void atStart(@Observes StartupEvent event) throws Exception {
        if (!config.enabled()) {
            return;
        }
        // Apps such as echo-http close every connection, so there is little to pool; keep-alive helps those that do not.
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(64));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                .requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get();
        LOG.infof("gateway listening on http://%s:%d/{app}/…%s", config.host(), server.actualPort(),
                config.domain().map(d -> " and Host: {app}." + d).orElse(""));
    }

    void atStop(@Observes ShutdownEvent event) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get();
            client.close();
        }
    }

    /** The port the gateway listens on (the configured one, or the one picked for port 0). */
    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        long arrived = System.nanoTime();
        Optional<Route> route = Route.of(request.host(), request.uri(), config.domain());
        if (route.isEmpty()) {
            send(request.response(), Problem.of(404, "app-not-found", "Not found",
                    "the gateway serves /{app}/…: name the app as the first path segment"
                            + config.domain().map(d -> " or in the host, {app}." + d).orElse("")));
            return;
        }
        // Hold the body until an instance is leased: the proxy pipes it on from there.
        request.pause();
        Context context = vertx.getOrCreateContext();
        activator.acquire(route.get().app()).whenComplete((lease, error) -> {
            if (Vertx.currentContext() == context) {
                proceed(request, route.get(), lease, error, arrived);
            } else {
                context.runOnContext(v -> proceed(request, route.get(), lease, error, arrived));
            }
        });
    }

    private void proceed(HttpServerRequest request, Route route, Lease lease, Throwable error, long arrived) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // Not the exception's text: it can hold the database's address or SQL (Failures).
            Problem problem = cause instanceof GatewayException g ? g.problem()
                    : Failures.problem(cause, "gateway request for " + route.app(), LOG);
            send(request.response(), problem);
            activator.recordRequest(route.app(), System.nanoTime() - arrived);
            return;
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                lease.release();
                activator.recordRequest(route.app(), System.nanoTime() - arrived);
            }
        };
        HttpServerResponse response = request.response();
        response.endHandler(v -> {
            lease.answered(response.getStatusCode());
            end.run();
        });
        response.closeHandler(v -> end.run());
        HttpProxy.reverseProxy(client).origin(lease.port(), lease.host())
                .addInterceptor(new OriginFailure(route.app(), lease.port(), json))
                .addInterceptor(new StripPrefix(route.uri()))
                .handle(request);
    }

    private void send(HttpServerResponse response, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem always serializes", e);
        }
        // The request's body (if any) was never read: closing is simpler than draining it.
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close");
        if (problem.status() == 503) {
            response.putHeader("Retry-After", Long.toString(Failures.RETRY_AFTER_SECONDS));
        }
        response.end(body);
    }

    /** The app sees its own paths: {@code /{app}/x} arrives as {@code /x}. */
    private record StripPrefix(String uri) implements ProxyInterceptor {
        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            context.request().setURI(uri);
            return context.sendRequest();
        }
    }
}
