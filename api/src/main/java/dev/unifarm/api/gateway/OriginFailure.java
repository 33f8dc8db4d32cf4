package dev.unifarm.api.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.problem.Problem;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * A request the leased instance did not answer (it closed the connection, died or stopped listening
 * mid-request) is a 502 problem+json naming the app and the instance's port, not {@code vertx-http-proxy}'s
 * empty 502. Added first, so it sees the failure of every later interceptor's send.
 */
record OriginFailure(String app, int port, ObjectMapper json) implements ProxyInterceptor {

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        return context.sendRequest().recover(error -> {
            Problem problem = Problem.of(502, "instance-unreachable", "The instance did not answer",
                    "the instance of " + app + " serving this request did not answer on its port " + port + " ("
                            + error.getClass().getSimpleName() + "); it may have ended or closed the connection:"
                            + " see GET /api/v1/instances?app=" + app + " and its console, then retry");
            ProxyResponse response = context.request().release().response().setStatusCode(502)
                    .putHeader("Content-Type", Problem.MEDIA_TYPE).putHeader("Connection", "close");
            response.setBody(Body.body(Buffer.buffer(serialize(problem))));
            return Future.succeededFuture(response);
        });
    }

    private String serialize(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem always serializes", e);
        }
    }
}
