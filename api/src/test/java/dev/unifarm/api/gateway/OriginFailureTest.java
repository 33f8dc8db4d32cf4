package dev.unifarm.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.httpproxy.HttpProxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real vertx-http-proxy, as the gateway sets it up, in front of an origin that fails mid-request. */
class OriginFailureTest {

    private Vertx vertx;
    private HttpClient client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void testProxy_originThatClosesWithoutAnsweringIs502ProblemNamingTheApp() throws Exception {
        try (ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                try (Socket connection = origin.accept()) {
                    connection.getInputStream().read(); // the request has arrived; close without a word
                } catch (Exception e) {
                    // the test fails on the answer it gets
                }
            });
            closer.start();

            HttpResponse<String> response = get(proxyTo(origin.getLocalPort()));
            closer.join(10_000);

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("problems/instance-unreachable").contains("the instance of shop")
                    .contains("port " + origin.getLocalPort()).contains("GET /api/v1/instances?app=shop");
        }
    }

    @Test
    void testProxy_originNotListeningIs502Problem() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        HttpResponse<String> response = get(proxyTo(port));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("problems/instance-unreachable");
    }

    private int proxyTo(int originPort) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> HttpProxy.reverseProxy(client)
                .origin(originPort, "127.0.0.1").addInterceptor(new OriginFailure("shop", originPort, json))
                .handle(request));
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
