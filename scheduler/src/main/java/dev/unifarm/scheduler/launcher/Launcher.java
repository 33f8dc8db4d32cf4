package dev.unifarm.scheduler.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.oci.OciRegistry;
import dev.unifarm.imager.store.ImageStore;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.AcceleratorChoice;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.LaunchRequest;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.local.AcceleratorProbe;
import dev.unifarm.scheduler.local.containment.Containment;
import dev.unifarm.scheduler.local.LocalOptions;
import dev.unifarm.scheduler.local.LocalScheduler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The process inside a launcher Pod (Kubernetes mode): pulls one image by digest from the OCI
 * registry, boots it with the same supervision code as local mode ({@link LocalScheduler}), serves
 * {@code GET /status} (JSON), {@code GET /console} (text) and {@code GET /ready} (200 once the
 * instance is {@code Running}, else 503; the Pod's readiness probe) over HTTP, and on SIGTERM stops
 * the guest before the JVM exits. Its exit code is the app's (1 for a failure without one), so the
 * Pod's terminated state carries it.
 *
 * <p>Run: {@code java -cp <scheduler classpath> dev.unifarm.scheduler.launcher.Launcher} with the
 * {@code UNIFARM_*} environment of {@link LauncherConfig} or {@code --key=value} arguments.
 */
public final class Launcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Launcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final LauncherConfig config;
    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final LocalScheduler scheduler;
    private final CompletableFuture<InstanceStatus> end = new CompletableFuture<>();
    private volatile InstanceStatus status;
    private volatile Path instanceDir;
    private volatile boolean closed;

    private Launcher(LauncherConfig config, HttpServer http, ExecutorService httpThreads, LocalScheduler scheduler) {
        this.config = config;
        this.http = http;
        this.httpThreads = httpThreads;
        this.scheduler = scheduler;
        this.status = new InstanceStatus(config.instanceId(), InstanceState.Pending, null, "Pulling",
                "pulling " + config.imageReference(), null, scheduler.node(), java.time.Instant.now(), null, null, null, null, 0);
    }

    /**
     * Serves HTTP, pulls the image and boots it; returns once QEMU runs. A failed pull or start ends the
     * instance {@code Failed} (still served) rather than throwing, as a Pod would show it.
     */
    public static Launcher start(LauncherConfig config) throws IOException {
        HttpServer http = HttpServer.create(config.httpAddress(), 16);
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "launcher-http");
            t.setDaemon(true);
            return t;
        });
        // The same probe as the farm's: a test guest must run under KVM before an instance does.
        AcceleratorChoice accel;
        String refused = null;
        try {
            accel = AcceleratorProbe.choose(config.accelerator(), AcceleratorProbe.DEFAULT_BOUND, config.dataDir());
        } catch (IllegalStateException e) {
            refused = e.getMessage();
            accel = new AcceleratorChoice(Accelerator.tcg, config.accelerator(), refused);
        }
        Lifecycle lifecycle = Lifecycle.defaults(STOP_GRACE).withBootTimeout(Lifecycle.defaultBootTimeout(accel.accelerator()));
        Containment containment = Containment.onThisHost();
        LOG.info(containment.describe()); // a launcher Pod runs non-root: QEMU as its user, and the log says so
        Launcher launcher = new Launcher(config, http, threads,
                new LocalScheduler(LocalOptions.onThisHost(accel.accelerator()).withLifecycle(lifecycle).withForwardHost(config.forwardHost())
                        .withContainment(containment)));
        http.setExecutor(threads);
        http.createContext("/status", launcher::serveStatus);
        http.createContext("/console", launcher::serveConsole);
        http.createContext("/ready", launcher::serveReady);
        http.start();
        if (refused != null) {
            launcher.changed(launcher.status.finished(InstanceState.Failed, null, "AcceleratorUnavailable", refused, java.time.Instant.now()));
        } else {
            launcher.boot();
        }
        return launcher;
    }

    private void boot() {
        LauncherConfig.ImageReference ref = config.image();
        Image image;
        try {
            Files.createDirectories(config.dataDir());
            ImageStore store = new ImageStore(config.dataDir().resolve("store"));
            image = new OciRegistry(config.registryUrl()).pull(store, ref.repository(), ref.digest());
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "cannot pull %s", config.imageReference());
            changed(status.finished(InstanceState.Failed, null, "PullFailed",
                    "cannot pull " + config.imageReference() + ": " + e.getMessage(), java.time.Instant.now()));
            return;
        }
        instanceDir = config.dataDir().resolve("instances").resolve(config.instanceId());
        try {
            int port = config.appPort() == null ? 0 : config.appPort();
            scheduler.start(new LaunchRequest(config.instanceId(), image, null, null, config.memoryMiB(), instanceDir, port),
                    this::changed);
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot start %s", config.instanceId());
            if (!end.isDone()) {
                changed(status.finished(InstanceState.Failed, null, "StartFailed", e.getMessage(), java.time.Instant.now()));
            }
        }
    }

    private void changed(InstanceStatus next) {
        status = next;
        LOG.infof("instance %s: %s%s", next.id(), next.state(), next.reason() == null ? "" : " (" + next.reason() + ")");
        if (next.state().isTerminal()) {
            end.complete(next);
        }
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    public InstanceStatus status() {
        return status;
    }

    /** The instance dir (console.log, qemu.pid, qmp.sock), null until the image is pulled. */
    public Path instanceDir() {
        return instanceDir;
    }

    /** The terminal status, or null if none comes within {@code timeout}. */
    public InstanceStatus awaitEnd(Duration timeout) throws InterruptedException {
        try {
            return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The console: in memory while QEMU runs, from {@code console.log} after. */
    public List<String> console() {
        return scheduler.console(config.instanceId()).orElseGet(() -> {
            Path dir = instanceDir;
            try {
                return dir == null || !Files.exists(dir.resolve("console.log")) ? List.of()
                        : Files.readAllLines(dir.resolve("console.log"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of();
            }
        });
    }

    /** Stops the guest (bounded: QMP quit, then kill) and the HTTP server. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.close();
        http.stop(0);
        httpThreads.shutdownNow();
    }

    /** 0 for success, the app's code for a failure that has one, 1 otherwise; 143 when stopped (SIGTERM). */
    static int exitCode(InstanceStatus end) {
        return switch (end.state()) {
            case Succeeded -> 0;
            case Stopped -> 143;
            default -> end.exitCode() != null && end.exitCode() != 0 ? end.exitCode() : 1;
        };
    }

    public static void main(String[] args) throws Exception {
        LauncherConfig config = LauncherConfig.from(System.getenv(), args);
        Launcher launcher = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::close, "launcher-shutdown"));
        InetSocketAddress at = launcher.address();
        // One line for whoever started us (tests with port 0, humans): where status and console are.
        System.out.println("unifarm-launcher " + config.instanceId() + " listening on http://"
                + at.getAddress().getHostAddress() + ":" + at.getPort());
        System.out.flush();
        InstanceStatus end = null;
        while (end == null) {
            end = launcher.awaitEnd(Duration.ofMinutes(1));
        }
        launcher.close();
        System.exit(exitCode(end));
    }

    private void serveStatus(HttpExchange exchange) throws IOException {
        InstanceStatus s = status;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", s.id());
        body.put("state", s.state().name());
        body.put("exitCode", s.exitCode());
        body.put("reason", s.reason());
        body.put("message", s.message());
        body.put("accel", s.accel() == null ? null : s.accel().toString());
        body.put("node", s.node());
        body.put("endpoint", s.endpoint());
        body.put("image", config.imageReference());
        body.put("memoryMiB", config.memoryMiB());
        body.put("appPort", config.appPort());
        body.put("createdAt", text(s.createdAt()));
        body.put("startedAt", text(s.startedAt()));
        body.put("readyAt", text(s.readyAt()));
        body.put("finishedAt", text(s.finishedAt()));
        respond(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private static String text(java.time.Instant at) {
        return at == null ? null : at.toString();
    }

    private void serveConsole(HttpExchange exchange) throws IOException {
        String text = String.join("\n", console());
        respond(exchange, 200, "text/plain; charset=utf-8", (text.isEmpty() ? "" : text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void serveReady(HttpExchange exchange) throws IOException {
        boolean ready = status.state() == InstanceState.Running;
        respond(exchange, ready ? 200 : 503, "text/plain; charset=utf-8",
                (status.state().name() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
