package dev.unifarm.scheduler.kubernetes;

import dev.unifarm.scheduler.AdoptRequest;
import dev.unifarm.scheduler.Backoff;
import dev.unifarm.scheduler.Endpoint;
import dev.unifarm.scheduler.InstanceListener;
import dev.unifarm.scheduler.InstanceRequest;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.RestartPolicy;
import dev.unifarm.scheduler.Scheduler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The farm's {@link Scheduler} in Kubernetes mode: instances run in launcher Pods
 * ({@link PodSupervisor}); their status and console come from each Pod's launcher HTTP server
 * ({@code http://<podIP>:<statusPort>}). The console is also mirrored into the farm's
 * {@code <instance dir>/console.log} about once a second while the instance is live, so it outlives the
 * Pod and {@code ?follow=true} can follow a file as in local mode.
 */
public final class KubernetesScheduler implements Scheduler {

    private static final Logger LOG = Logger.getLogger(KubernetesScheduler.class);
    private static final String CONSOLE_FILE = "console.log";
    private static final Duration MIRROR_PERIOD = Duration.ofSeconds(1);

    private final PodSupervisor launcher;
    private final LauncherPodConfig config;
    private final LauncherHttp http;
    private final Map<String, ConsoleMirror> mirrors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService mirroring;

    /**
     * Launcher Pods made through {@code client} as {@code config} says, a Pod that ended restarted after
     * {@code backoff} as the instance's policy says; each launcher is asked within {@code httpTimeout}.
     */
    public static KubernetesScheduler over(KubernetesClient client, LauncherPodConfig config, Backoff backoff, Duration httpTimeout) {
        return new KubernetesScheduler(new PodSupervisor(client, config, backoff, Clock.systemUTC()), config, httpTimeout);
    }

    KubernetesScheduler(PodSupervisor launcher, LauncherPodConfig config, Duration httpTimeout) {
        this.launcher = launcher;
        this.config = config;
        this.http = new LauncherHttp(httpTimeout);
        this.mirroring = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "launcher-console-mirror");
            t.setDaemon(true);
            return t;
        });
        mirroring.scheduleWithFixedDelay(this::mirrorAll, MIRROR_PERIOD.toMillis(), MIRROR_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Until Kubernetes places the Pod (its {@code spec.nodeName} then replaces this). */
    @Override
    public String node() {
        return "kubernetes/" + config.namespace();
    }

    @Override
    public InstanceStatus start(InstanceRequest request, InstanceListener listener, RestartPolicy policy) {
        if (request.imageReference() == null) {
            throw new IllegalArgumentException("instance " + request.instanceId() + " has no image reference by digest: "
                    + "launcher Pods pull their image from a registry");
        }
        int port = request.launch().port();
        LauncherSpec spec = new LauncherSpec(request.instanceId(), request.app(), request.imageReference(),
                request.launch().memoryMiB(), port > 0 ? port : null);
        mirrors.put(request.instanceId(), new ConsoleMirror(consoleFile(request.launch().instanceDir())));
        try {
            return launcher.launch(spec, policy, mirroring(listener));
        } catch (RuntimeException e) {
            mirrors.remove(request.instanceId());
            throw e;
        }
    }

    /** Finds the instance's launcher Pod by label; none left → not attached, reason {@code PodGone}. */
    @Override
    public Reattachment reattach(AdoptRequest request, InstanceListener listener, RestartPolicy policy) {
        mirrors.put(request.instanceId(), new ConsoleMirror(consoleFile(request.instanceDir())));
        if (launcher.reattach(request.instanceId(), policy, request.recorded(), mirroring(listener))) {
            return new Reattachment(true, null, "re-attached to its launcher Pod");
        }
        mirrors.remove(request.instanceId());
        return new Reattachment(false, "PodGone", "no launcher Pod labelled " + LauncherPods.INSTANCE_LABEL + "="
                + LauncherPods.labelValue(request.instanceId()) + " exists in namespace " + config.namespace());
    }

    /**
     * Deletes every launcher Pod that is not the current Pod of an instance supervised here: after
     * {@link #reattach} those are exactly the instances in {@code live}, so what is left belongs to
     * instances the farm does not know (or to their older generations).
     */
    @Override
    public void removeOthers(Set<String> live) {
        List<String> deleted = launcher.deleteUntracked();
        if (!deleted.isEmpty()) {
            LOG.infof("deleted launcher Pods of unknown instances: %s", deleted);
        }
    }

    @Override
    public boolean stop(String id) {
        return launcher.stop(id);
    }

    /** The Pod's deletion is requested and {@code Stopped} published at once; the launcher powers down on its own. */
    @Override
    public Duration stopWait() {
        return Duration.ofSeconds(5);
    }

    @Override
    public Optional<InstanceStatus> status(String id) {
        return launcher.status(id);
    }

    /**
     * The launcher's own status while its Pod runs, its {@code endpoint} at the Pod's IP (the launcher
     * names its own address, which only it can use); when the Pod does not answer, the last published
     * status with reason {@code LauncherUnreachable} and why.
     */
    @Override
    public Optional<InstanceStatus> report(String id) {
        Optional<InstanceStatus> tracked = launcher.status(id).filter(s -> !s.state().isTerminal());
        Optional<String> ip = tracked.flatMap(s -> podIp(id));
        if (ip.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> base = ip.map(a -> "http://" + a + ":" + config.statusPort());
        try {
            InstanceStatus launcherSays = http.status(base.get(), tracked.get());
            InstanceStatus now = launcherSays.endpoint() == null ? launcherSays
                    : launcherSays.withEndpoint(Endpoint.parse(launcherSays.endpoint()).onHost(ip.get()).toString());
            if (now.state().isTerminal()) {
                console(id); // the run is over: the mirror gets its last lines before anyone stops following
            }
            return Optional.of(now);
        } catch (IOException | RuntimeException e) {
            InstanceStatus s = tracked.get();
            return Optional.of(new InstanceStatus(s.id(), s.state(), s.exitCode(), "LauncherUnreachable",
                    "launcher at " + base.get() + " did not answer (" + e.getMessage() + "); showing the last recorded state",
                    s.accel(), s.node(), s.createdAt(), s.startedAt(), s.readyAt(), s.finishedAt(), s.endpoint(), s.restarts()));
        }
    }

    /** The launcher's console while its Pod answers (mirrored on the way); empty otherwise: the mirror file has it. */
    @Override
    public Optional<List<String>> console(String id) {
        Optional<String> base = launcher.status(id).filter(s -> !s.state().isTerminal()).flatMap(s -> base(id));
        if (base.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<String> lines = http.console(base.get());
            ConsoleMirror mirror = mirrors.get(id);
            if (mirror != null) {
                mirror.write(lines);
            }
            return Optional.of(lines);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("console of %s from %s: %s", id, base.get(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Stops watching; launcher Pods keep running so that the next farm process re-attaches to them. */
    @Override
    public void close() {
        mirroring.shutdownNow();
        launcher.close();
    }


    /** {@code http://<podIP>:<statusPort>} of the instance's current Pod, once it has an IP. */
    private Optional<String> base(String id) {
        return podIp(id).map(ip -> "http://" + ip + ":" + config.statusPort());
    }

    /** The current Pod's IP as a URL's or an endpoint's host part (IPv6 in brackets), once it has one. */
    private Optional<String> podIp(String id) {
        return launcher.pod(id).map(Pod::getStatus).map(s -> s.getPodIP()).filter(ip -> ip != null && !ip.isBlank())
                .map(ip -> ip.contains(":") ? "[" + ip + "]" : ip);
    }

    /** Last mirror when the instance ends (its launcher may still answer), then forgets it. */
    private InstanceListener mirroring(InstanceListener listener) {
        return status -> {
            if (status.state().isTerminal()) {
                mirrors.remove(status.id());
            }
            listener.changed(status);
        };
    }

    private void mirrorAll() {
        for (String id : List.copyOf(mirrors.keySet())) {
            try {
                console(id);
            } catch (RuntimeException e) {
                LOG.debugf("mirroring the console of %s: %s", id, e.getMessage());
            }
        }
    }

    private static Path consoleFile(Path instanceDir) {
        try {
            Files.createDirectories(instanceDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return instanceDir.resolve(CONSOLE_FILE);
    }
}
