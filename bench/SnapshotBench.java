import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 18's figures, run by bench/gateway against a running farm whose app (echo-http with a port, snapshots on,
 * minInstances 0, a short idleTimeout, maxConcurrency 1, maxInstances >= the largest clone count) is built.
 * Each round, side by side on the same app and revision: its snapshot deleted, a cold request through the gateway
 * (a boot); once the farm has taken a new snapshot and the app is back at zero, a cold request again (a restore).
 * Then CLONES requests at once (each held 3 s by echo-http's /slow, so each needs an instance of its own): every
 * one is a restore of the same snapshot. After the 2 clones, with BENCH_DATA_DIR set to the farm's data dir: their
 * summed Pss beside two instances booted through the API.
 * Usage: java bench/SnapshotBench.java API_URL TOKEN GATEWAY_URL APP ROUNDS CLONES...
 */
public class SnapshotBench {

    static String api;
    static String token;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final long HOLD_MS = 3000;

    public static void main(String[] args) throws Exception {
        api = args[0];
        token = args[1];
        URI gateway = URI.create(args[2]);
        String app = args[3];
        int rounds = Integer.parseInt(args[4]);

        List<Long> boots = new ArrayList<>();
        List<Long> restores = new ArrayList<>();
        List<Long> restoreReady = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            awaitNoLiveInstance(app);
            call("DELETE", "/apps/" + app + "/revisions/1/snapshot", null, true);
            long boot = cold(gateway, app, "/boot" + round);
            String booted = lastInstance(app);
            awaitSnapshot(app);
            awaitNoLiveInstance(app);
            long restore = cold(gateway, app, "/restore" + round);
            String restored = lastInstance(app);
            if (!"boot".equals(field(booted, "activation")) || !"restore".equals(field(restored, "activation"))) {
                throw new IllegalStateException("round " + round + ": expected a boot then a restore, got "
                        + field(booted, "activation") + " then " + field(restored, "activation"));
            }
            long ready = between(field(restored, "createdAt"), field(restored, "readyAt"));
            boots.add(boot);
            restores.add(restore);
            restoreReady.add(ready);
            System.out.printf("round %d: cold by boot %d ms; cold by restore %d ms (%.3fx), the restored instance's start-to-ready %d ms"
                    + " (snapshot %s)%n", round, ms(boot), ms(restore), (double) restore / boot, ms(ready), snapshotLine(app));
        }
        System.out.println();
        System.out.printf("cold request (median of %d): by boot %d ms, by restore %d ms: %.3fx (acceptance <= 0.10x, goal <= 0.06x);"
                + " restored instance start-to-ready median %d ms%n", rounds, ms(median(boots)), ms(median(restores)),
                (double) median(restores) / median(boots), ms(median(restoreReady)));

        for (int i = 5; i < args.length; i++) {
            clones(gateway, app, Integer.parseInt(args[i]));
            if (Integer.parseInt(args[i]) == 2 && DATA != null) {
                memoryOfTwo(app);
            }
        }
    }

    /** The farm's data dir (env BENCH_DATA_DIR): where the instances' qemu.pid files are, for their memory. */
    static final Path DATA = System.getenv("BENCH_DATA_DIR") == null ? null : Path.of(System.getenv("BENCH_DATA_DIR"));

    /**
     * Host memory: the summed Pss ({@code /proc/<qemu>/smaps_rollup}) of the two restored clones just started (each has
     * answered its request), beside two instances booted through the API that have each answered three requests.
     */
    static void memoryOfTwo(String app) throws Exception {
        List<String> restored = new ArrayList<>();
        for (String record : records(call("GET", "/instances?app=" + app + "&limit=100", null, false))) {
            if ("Running".equals(field(record, "state")) && "restore".equals(field(record, "activation"))) {
                restored.add(field(record, "id"));
            }
        }
        long restoredPss = pss(restored);
        awaitNoLiveInstance(app);
        List<String> booted = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            booted.add(field(call("POST", "/apps/" + app + "/instances", "{}", false), "id"));
        }
        for (String id : booted) {
            String endpoint = null;
            while (endpoint == null || !"Running".equals(field(call("GET", "/instances/" + id, null, false), "state"))) {
                Thread.sleep(100);
                endpoint = field(call("GET", "/instances/" + id, null, false), "endpoint");
            }
            int colon = endpoint.lastIndexOf(':');
            for (int r = 0; r < 3; r++) {
                request(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)), "/m" + r);
            }
        }
        long bootedPss = pss(booted);
        for (String id : booted) {
            call("DELETE", "/instances/" + id, null, false);
        }
        System.out.printf("host memory of two instances (summed Pss of their QEMUs): %d restored clones %d MiB, %d booted %d MiB (%.2fx)%n",
                restored.size(), restoredPss >> 10, booted.size(), bootedPss >> 10, (double) restoredPss / bootedPss);
    }

    /** Summed {@code Pss:} (kB) of the instances' QEMU processes. */
    static long pss(List<String> ids) throws IOException {
        long sum = 0;
        for (String id : ids) {
            String pid = Files.readString(DATA.resolve("instances").resolve(id).resolve("qemu.pid")).strip();
            for (String line : Files.readAllLines(Path.of("/proc", pid, "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    sum += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        return sum;
    }

    /** {@code count} requests at once, each holding its instance HOLD_MS: every one waits for a restore of its own. */
    static void clones(URI gateway, String app, int count) throws Exception {
        awaitNoLiveInstance(app);
        awaitSnapshot(app);
        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<Long>> answers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            answers.add(pool.submit(() -> cold(gateway, app, "/slow?ms=" + HOLD_MS)));
        }
        List<Long> each = new ArrayList<>();
        for (Future<Long> answer : answers) {
            each.add(answer.get() - HOLD_MS * 1_000_000L);
        }
        long all = System.nanoTime() - t0 - HOLD_MS * 1_000_000L;
        pool.shutdown();
        String list = call("GET", "/instances?app=" + app + "&limit=100", null, false);
        int restored = 0;
        for (String record : records(list)) {
            restored += "Running".equals(field(record, "state")) && "restore".equals(field(record, "activation")) ? 1 : 0;
        }
        System.out.printf("%d clones at once: each answered %d ms median, %d ms max after its request (less the %d ms hold);"
                + " all within %d ms; Running restored instances now: %d%n", count, ms(median(each)), ms(Collections.max(each)),
                HOLD_MS, ms(all), restored);
    }

    static long cold(URI gateway, String app, String path) throws IOException {
        long t0 = System.nanoTime();
        String answer = request(gateway.getHost(), gateway.getPort(), "/" + app + path);
        long took = System.nanoTime() - t0;
        if (!answer.startsWith("HTTP/1.1 200") || !answer.contains("echo-http: GET " + path.replaceAll("\\?.*", ""))) {
            throw new IllegalStateException("cold request " + path + " got: " + answer);
        }
        return took;
    }

    static String request(String host, int port, String path) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(300_000);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Waits for revision 1's snapshot (taken by a maker run after a boot's first answer). */
    static void awaitSnapshot(String app) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!snapshotLine(app).equals("none")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no snapshot of " + app + " within 300 s");
    }

    static String snapshotLine(String app) throws Exception {
        String revision = call("GET", "/apps/" + app + "/revisions/1", null, false);
        Matcher m = Pattern.compile("\"snapshot\":\\{([^}]*)\\}").matcher(revision);
        if (!m.find()) {
            return "none";
        }
        String s = m.group(1);
        return "state " + number(s, "stateBytes") / 1024 + " KiB, RAM " + number(s, "ramBytes") / (1024 * 1024) + " MiB";
    }

    static void awaitNoLiveInstance(String app) throws Exception {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            String list = call("GET", "/instances?app=" + app + "&limit=100", null, false);
            if (!list.matches("(?s).*\"state\":\"(Pending|Booting|Running)\".*")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("instances of " + app + " still live");
    }

    /** The app's newest instance record (ids sort by creation time). */
    static String lastInstance(String app) throws Exception {
        String list = call("GET", "/instances?app=" + app + "&limit=100", null, false);
        String last = null;
        for (String record : records(list)) {
            if (last == null || field(record, "id").compareTo(field(last, "id")) > 0) {
                last = record;
            }
        }
        if (last == null) {
            throw new IllegalStateException("no instance of " + app + ": " + list);
        }
        return last;
    }

    static String call(String method, String path, String body, boolean missingOk) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).header("Authorization", "Bearer " + token);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(missingOk && r.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static long number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The instance records of a list answer (flat JSON objects that start with their id). */
    static List<String> records(String list) {
        List<String> records = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"id\":\"[^\"]+\"[^{}]*\\}").matcher(list);
        while (m.find()) {
            records.add(m.group());
        }
        return records;
    }

    static long between(String from, String to) {
        return Duration.between(Instant.parse(from), Instant.parse(to)).toNanos();
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((sorted.size() - 1) / 2);
    }

    static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }
}
