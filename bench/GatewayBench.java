import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's figures (issue 5, "Measure"), run by bench/gateway against a running farm whose app
 * (echo-http with a port, minInstances 0, a short idleTimeout) is built:
 * cold: a request through the gateway with no instance running vs the same image's boot-to-listen
 *       (start request through the API → the first answer on the forwarded port, probed 10 ms apart);
 * warm: requests through the gateway vs straight to the same instance's forwarded port (p50, p99).
 * Usage: java bench/GatewayBench.java API_URL TOKEN GATEWAY_URL APP COLD_ROUNDS WARM_REQUESTS
 */
public class GatewayBench {

    static String api;
    static String token;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        api = args[0];
        token = args[1];
        URI gateway = URI.create(args[2]);
        String app = args[3];
        int rounds = Integer.parseInt(args[4]);
        int warm = Integer.parseInt(args[5]);

        List<Long> boots = new ArrayList<>();
        List<Long> colds = new ArrayList<>();
        List<Long> ownBoots = new ArrayList<>();
        List<Long> overheads = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            awaitNoLiveInstance(app);
            long boot = bootToListen(app);
            awaitNoLiveInstance(app);
            long t0 = System.nanoTime();
            String answer = request(gateway.getHost(), gateway.getPort(), "/" + app + "/cold");
            long cold = System.nanoTime() - t0;
            if (!answer.contains("echo-http: GET /cold")) {
                throw new IllegalStateException("cold request got: " + answer);
            }
            // The very instance the cold request booted, as the farm recorded it: start → ready (its port answered).
            long ownBoot = startToReady(app);
            boots.add(boot);
            colds.add(cold);
            ownBoots.add(ownBoot);
            overheads.add(cold - ownBoot);
            System.out.printf("round %d: boot-to-listen %d ms; cold through gateway %d ms, its instance's start-to-ready %d ms"
                    + " (gateway overhead %+d ms)%n", round, ms(boot), ms(cold), ms(ownBoot), ms(cold - ownBoot));
        }

        // The cold request left a ready instance; keep it busy so it never idles out.
        String endpoint = runningEndpoint(app);
        int colon = endpoint.lastIndexOf(':');
        String directHost = endpoint.substring(0, colon);
        int directPort = Integer.parseInt(endpoint.substring(colon + 1));
        for (int i = 0; i < 50; i++) {
            request(gateway.getHost(), gateway.getPort(), "/" + app + "/w");
            request(directHost, directPort, "/w");
        }
        List<Long> viaGateway = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        for (int i = 0; i < warm; i++) {
            long t0 = System.nanoTime();
            request(gateway.getHost(), gateway.getPort(), "/" + app + "/w");
            long t1 = System.nanoTime();
            request(directHost, directPort, "/w");
            long t2 = System.nanoTime();
            viaGateway.add(t1 - t0);
            direct.add(t2 - t1);
        }

        System.out.println();
        System.out.printf("cold (median of %d): boot-to-listen %d ms, through the gateway %d ms, overhead %+d ms (goal <= +100 ms)%n",
                rounds, ms(median(boots)), ms(median(colds)), ms(median(colds) - median(boots)));
        System.out.printf("cold vs the same instance's start-to-ready (median of %d): %d ms vs %d ms, gateway overhead median %+d ms, max %+d ms%n",
                rounds, ms(median(colds)), ms(median(ownBoots)), ms(median(overheads)), ms(Collections.max(overheads)));
        System.out.printf("warm (%d requests each, new connection per request): gateway p50 %.3f ms p99 %.3f ms; direct p50 %.3f ms p99 %.3f ms;"
                + " overhead p50 %+.3f ms (goal <= 1 ms), p99 %+.3f ms%n", warm,
                msF(pct(viaGateway, 50)), msF(pct(viaGateway, 99)), msF(pct(direct, 50)), msF(pct(direct, 99)),
                msF(pct(viaGateway, 50) - pct(direct, 50)), msF(pct(viaGateway, 99) - pct(direct, 99)));
    }

    /** Start through the API, then probe the forwarded port (10 ms between probes) until it answers. */
    static long bootToListen(String app) throws Exception {
        long t0 = System.nanoTime();
        String started = call("POST", "/apps/" + app + "/instances", "{}");
        String id = field(started, "id");
        String endpoint = null;
        while (endpoint == null) {
            endpoint = field(call("GET", "/instances/" + id, null), "endpoint");
            Thread.sleep(5);
        }
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon);
        int port = Integer.parseInt(endpoint.substring(colon + 1));
        // One probe at a time, as the farm's readiness probe does: parallel ones load QEMU's user network
        // (and, under TCG, the guest) enough to delay the very boot being measured.
        while (!answers(host, port)) {
            Thread.sleep(10);
            if (System.nanoTime() - t0 > 300_000_000_000L) {
                throw new IllegalStateException("instance " + id + " never answered");
            }
        }
        long answered = System.nanoTime();
        long boot = answered - t0;
        call("DELETE", "/instances/" + id, null);
        return boot;
    }

    static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /probe HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** One request on a new connection, read to the end (echo-http closes every connection). */
    static String request(String host, int port, String path) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(300_000);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    static void awaitNoLiveInstance(String app) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            String list = call("GET", "/instances?app=" + app + "&limit=100", null);
            if (!list.matches("(?s).*\"state\":\"(Pending|Booting|Running)\".*")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("instances of " + app + " still live");
    }

    static String runningEndpoint(String app) throws Exception {
        String list = call("GET", "/instances?app=" + app + "&limit=100", null);
        Matcher m = Pattern.compile("\"state\":\"Running\"[^}]*?\"endpoint\":\"([^\"]+)\"").matcher(list);
        if (!m.find()) {
            throw new IllegalStateException("no Running instance of " + app + ": " + list);
        }
        return m.group(1);
    }

    /** createdAt → readyAt of the app's Running instance (the farm's readiness probe: the first answer on its port). */
    static long startToReady(String app) throws Exception {
        String list = call("GET", "/instances?app=" + app + "&limit=100", null);
        Matcher m = Pattern.compile("\"state\":\"Running\"[^}]*?\"createdAt\":\"([^\"]+)\"[^}]*?\"readyAt\":\"([^\"]+)\"")
                .matcher(list);
        if (!m.find()) {
            throw new IllegalStateException("no Running instance of " + app + ": " + list);
        }
        return java.time.Duration.between(java.time.Instant.parse(m.group(1)), java.time.Instant.parse(m.group(2))).toNanos();
    }

    static String call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static long median(List<Long> values) {
        return pct(values, 50);
    }

    static long pct(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    static double msF(long nanos) {
        return nanos / 1e6;
    }
}
